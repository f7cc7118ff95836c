/// One row of the membership audit trail (SPEC §14): who changed which patient's panel membership, when, with which
/// command, from what to what. Patient IDs and panel labels only; never a PHN, name or birth date.
public struct AuditEntry: Equatable, Sendable {
    public var id: Int64
    /// Seconds since 1970-01-01 UTC.
    public var time: Int64
    public var user: String
    public var command: String
    public var patientID: String
    public var panelBefore: String?
    public var panelAfter: String?
    public var confirmationBefore: CivilDate?
    public var confirmationAfter: CivilDate?

    public init(id: Int64, time: Int64, user: String, command: String, patientID: String, panelBefore: String?,
                panelAfter: String?, confirmationBefore: CivilDate?, confirmationAfter: CivilDate?) {
        self.id = id; self.time = time; self.user = user; self.command = command; self.patientID = patientID
        self.panelBefore = panelBefore; self.panelAfter = panelAfter
        self.confirmationBefore = confirmationBefore; self.confirmationAfter = confirmationAfter
    }
}
