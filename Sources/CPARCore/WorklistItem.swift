/// One item of the §14 worklist: a patient named by a CPAR conflict or mismatch report, open until resolved by the
/// panel administrator or cleared by a newer report. Holds codes and identifiers only, never a report's values.
public struct WorklistItem: Equatable, Sendable {
    public var id: Int64
    public var kind: CPARReportKind
    public var patientID: String
    /// The patient's panel when the item was last reported (nil when no longer on one).
    public var panelID: Int64?
    public var panelLabel: String?
    public var codes: [WorklistCode]
    /// Conflict items: the other panel and provider as the report gave them (scrubbed).
    public var otherPanel: String?
    public var otherProvider: String?
    /// The date of the report that first listed it, and of the latest that did.
    public var reportDate: CivilDate
    public var lastReportDate: CivilDate
    public var opened: CivilDate
    public var outcome: WorklistOutcome?
    public var closed: CivilDate?
    public var note: String?

    public var isOpen: Bool { outcome == nil }

    public init(id: Int64 = 0, kind: CPARReportKind, patientID: String, panelID: Int64?, panelLabel: String?,
                codes: [WorklistCode], otherPanel: String? = nil, otherProvider: String? = nil,
                reportDate: CivilDate, lastReportDate: CivilDate? = nil, opened: CivilDate,
                outcome: WorklistOutcome? = nil, closed: CivilDate? = nil, note: String? = nil) {
        self.id = id; self.kind = kind; self.patientID = patientID; self.panelID = panelID
        self.panelLabel = panelLabel; self.codes = codes; self.otherPanel = otherPanel
        self.otherProvider = otherProvider; self.reportDate = reportDate
        self.lastReportDate = lastReportDate ?? reportDate; self.opened = opened; self.outcome = outcome
        self.closed = closed; self.note = note
    }

    /// Days since the report that first listed it.
    public func ageInDays(on date: CivilDate) -> Int { Int(date.daysSinceEpoch - reportDate.daysSinceEpoch) }
}
