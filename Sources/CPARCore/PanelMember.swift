/// One membership of a panel, joined with what the EMR export says about the patient.
public struct PanelMember: Sendable {
    public var membership: Membership
    /// The patient's record from patients.csv; nil when the membership names an unknown patient.
    public var patient: PatientRecord?
    /// Latest counting appointment on or before the extract date, with any provider.
    public var lastVisit: CivilDate?
    /// Input problems of that patient's row (file, line, field), reported with the patient's findings.
    public var issues: [InputIssue]

    public init(membership: Membership, patient: PatientRecord?, lastVisit: CivilDate?, issues: [InputIssue] = []) {
        self.membership = membership; self.patient = patient; self.lastVisit = lastVisit; self.issues = issues
    }
}
