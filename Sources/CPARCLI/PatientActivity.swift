import CPARStore

/// The §14 side of one patient for `patient show` and the HTML report: open worklist items and the membership
/// history (audit). The seam where the worklist and audit stores plug in; until they exist, both are empty.
struct PatientActivity {
    /// One line of activity: its `--json` form (an item ID, or an audit entry object) and its human line.
    struct Entry {
        var json: JSON
        var text: String
    }

    var openItems: [Entry] = []
    var history: [Entry] = []

    static func load(store: StateStore, patientID: String) throws -> PatientActivity {
        PatientActivity()
    }
}
