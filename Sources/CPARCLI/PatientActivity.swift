import CPARCore
import CPARStore

/// The §14 side of one patient for `patient show`: open worklist items and the membership history (audit).
struct PatientActivity {
    /// One line of activity: its `--json` form (an item ID, or an audit entry object) and its human line.
    struct Entry {
        var json: JSON
        var text: String
    }

    var openItems: [Entry] = []
    var history: [Entry] = []

    static func load(store: StateStore, patientID: String) throws -> PatientActivity {
        var activity = PatientActivity()
        activity.openItems = try store.worklistItems(patientID: patientID).map { item in
            let other = [item.otherPanel, item.otherProvider].compactMap { $0 }.joined(separator: " / ")
            return Entry(json: .int(Int(item.id)),
                         text: "item \(item.id): \(item.kind.rawValue) " + item.codes.map(\.rawValue).joined(separator: " ")
                             + (other.isEmpty ? "" : " (other panel/provider \(other))")
                             + ", reported \(item.reportDate) — cparctl worklist resolve \(item.id) --outcome …")
        }
        activity.history = try store.auditEntries(patientID: patientID).map { e in
            Entry(json: AuditCommand.json(e),
                  text: "\(Timestamp.iso8601(e.time))  \(e.user)  \(e.command): panel \(e.panelBefore ?? "-") → "
                      + "\(e.panelAfter ?? "-"), confirmation \(e.confirmationBefore?.description ?? "-") → "
                      + "\(e.confirmationAfter?.description ?? "-")")
        }
        return activity
    }
}
