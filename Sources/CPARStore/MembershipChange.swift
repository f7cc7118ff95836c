import CPARCore

/// One patient's membership before and after a change (assign, move, remove, bulk): what the store writes, what
/// `--dry-run` reports, and what an audit trail records. A nil panel means "on no panel".
public struct MembershipChange: Equatable, Sendable {
    public var patientID: String
    public var panelBefore: Int64?
    public var panelAfter: Int64?
    public var confirmationBefore: CivilDate?
    public var confirmationAfter: CivilDate?

    public init(patientID: String, panelBefore: Int64?, panelAfter: Int64?, confirmationBefore: CivilDate?,
                confirmationAfter: CivilDate?) {
        self.patientID = patientID; self.panelBefore = panelBefore; self.panelAfter = panelAfter
        self.confirmationBefore = confirmationBefore; self.confirmationAfter = confirmationAfter
    }
}

/// What `bulkAssign` did (or, in a dry run, would do). SPEC §4 `bulk assign`.
public struct BulkAssignOutcome: Equatable, Sendable {
    /// Patients that joined the panel from no panel, or moved to it (`--move`): the changes written.
    public var changes: [MembershipChange] = []
    /// Patients already on the panel: left as they are, confirmation date kept.
    public var alreadyOnPanel = 0
    /// Patients left on another panel (no `--move`), counted per panel id.
    public var leftOnOtherPanels: [Int64: Int] = [:]

    public init() {}

    /// Patients that joined from no panel.
    public var joined: Int { changes.filter { $0.panelBefore == nil }.count }
    /// Patients moved here, counted per panel id they left.
    public var moved: [Int64: Int] {
        var out: [Int64: Int] = [:]
        for c in changes { if let p = c.panelBefore { out[p, default: 0] += 1 } }
        return out
    }
}
