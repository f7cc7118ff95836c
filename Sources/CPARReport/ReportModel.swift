import CPARCore

/// Everything the HTML panel report shows (SPEC §13), already in the panel administrator's terms: local times as
/// text, reasons as codes (worded by `ReasonText` when rendered), patients by patient ID only — the model has no
/// field that could hold a PHN, name or birth date.
public struct ReportModel: Sendable {
    public var siteName: String?
    public var siteID: String?
    /// When the report was made, local time, and the zone's name.
    public var generated: String
    public var timeZoneName: String
    public var asOf: CivilDate
    public var panels: [Panel] = []
    /// Submission history, newest first.
    public var history: [HistoryRow] = []
    /// §14: open worklist items (conflicts, demographic mismatches). Rendered when not empty.
    public var openItems: [OpenItem] = []
    /// §14: hygiene figures per panel. Rendered when not empty.
    public var hygiene: [HygieneRow] = []
    /// Problems in the EMR export (counted once for all panels).
    public var inputProblemCount = 0
    /// Set when the EMR export could not be read: the panels then show only their status.
    public var exportError: String?
    /// At most this many patients to fix are listed per panel; the rest are counted.
    public var worklistLimit = 500

    public init(siteName: String?, siteID: String?, generated: String, timeZoneName: String, asOf: CivilDate) {
        self.siteName = siteName; self.siteID = siteID; self.generated = generated
        self.timeZoneName = timeZoneName; self.asOf = asOf
    }

    public struct Panel: Sendable {
        public var label: String
        public var name: String
        public var cparEnabled: Bool
        /// As in `cparctl status`.
        public var status: String?
        public var created: String?
        public var patientsSent: Int?
        public var nextAttempt: String?
        public var error: String?
        public var members = 0
        public var valid = 0
        public var excluded = 0
        /// Members whose confirmation date is present and recent; nil for an empty panel.
        public var confirmationRate: Double?
        public var reasons: [(code: ReasonCode, count: Int)] = []
        public var problems: [PanelProblem] = []
        public var toFix: [PatientToFix] = []

        public init(label: String, name: String, cparEnabled: Bool) {
            self.label = label; self.name = name; self.cparEnabled = cparEnabled
        }
    }

    public struct PatientToFix: Sendable {
        public var patientID: String
        public var reasons: [ReasonCode]
        /// For `DUPLICATE_PHN`: the other patient IDs with the same PHN.
        public var duplicateOf: [String]
        public init(patientID: String, reasons: [ReasonCode], duplicateOf: [String] = []) {
            self.patientID = patientID; self.reasons = reasons; self.duplicateOf = duplicateOf
        }
    }

    public struct HistoryRow: Sendable {
        public var panel: String
        public var name: String
        public var period: String
        public var trigger: String
        public var requestedBy: String?
        public var created: String
        public var delivered: String?
        public var patients: Int?
        public var attempts: Int
        public var status: String
        public var error: String?
        public init(panel: String, name: String, period: String, trigger: String, requestedBy: String?, created: String,
                    delivered: String?, patients: Int?, attempts: Int, status: String, error: String?) {
            self.panel = panel; self.name = name; self.period = period; self.trigger = trigger
            self.requestedBy = requestedBy; self.created = created; self.delivered = delivered
            self.patients = patients; self.attempts = attempts; self.status = status; self.error = error
        }
    }

    /// A §14 worklist item as the report lists it.
    public struct OpenItem: Sendable {
        public var id: String
        public var kind: String
        public var patientID: String
        public var panel: String
        public var codes: [String]
        public var ageDays: Int
        public init(id: String, kind: String, patientID: String, panel: String, codes: [String], ageDays: Int) {
            self.id = id; self.kind = kind; self.patientID = patientID; self.panel = panel; self.codes = codes
            self.ageDays = ageDays
        }
    }

    /// A §14 hygiene row: one panel's figures as label/value pairs, in display order.
    public struct HygieneRow: Sendable {
        public var panel: String
        public var figures: [(label: String, value: String)]
        public init(panel: String, figures: [(label: String, value: String)]) { self.panel = panel; self.figures = figures }
    }
}
