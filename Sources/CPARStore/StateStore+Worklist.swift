import CPARCore

/// The §14 worklist: items opened from CPAR conflict and mismatch reports, kept idempotent across re-imports,
/// cleared by newer reports, and closed by the panel administrator. Codes and identifiers only: no report value.
extension StateStore {
    /// An item a report asks for (before it is matched with what the store already holds).
    public struct ReportedItem: Sendable, Equatable {
        public var patientID: String
        public var panelID: Int64?
        public var codes: [WorklistCode]
        public var otherPanel: String?
        public var otherProvider: String?
        public init(patientID: String, panelID: Int64?, codes: [WorklistCode], otherPanel: String? = nil,
                    otherProvider: String? = nil) {
            self.patientID = patientID; self.panelID = panelID; self.codes = codes
            self.otherPanel = otherPanel; self.otherProvider = otherProvider
        }
    }

    /// What one import did.
    public struct ReportImportResult: Sendable, Equatable {
        /// New items.
        public var opened = 0
        /// Items already open that the report lists again.
        public var stillOpen = 0
        /// Items this report's date already listed and the administrator has closed since (not reopened).
        public var alreadyClosed = 0
        /// Open items the report no longer lists, closed as `cleared`.
        public var cleared = 0
        /// Set when a report of this kind dated after this one was imported before: nothing was changed.
        public var newerReportDate: CivilDate?
        public init() {}
    }

    /// The items' identity across reports: a patient's mismatch is one item (its codes follow the latest report);
    /// a conflict is one item per other panel and provider.
    private static let findItem = """
        SELECT id, outcome, last_report_date FROM worklist_items
        WHERE kind = ?1 AND patient_id = ?2 AND (?1 = 'mismatch' OR (other_panel IS ?3 AND other_provider IS ?4))
        ORDER BY outcome IS NULL DESC, id DESC LIMIT 1
        """

    /// Records one report in one transaction: opens new items, keeps listed ones open (no duplicates), and — when
    /// `clear` — closes open items of the kind that the report no longer lists as `cleared` on `date`.
    /// A report dated before the newest report of its kind already imported changes nothing
    /// (`newerReportDate` is set).
    public func importReport(kind: CPARReportKind, date: CivilDate, items: [ReportedItem], clear: Bool,
                             today: CivilDate, user: String, rows: Int, unmatched: Int)
        throws(StoreError) -> ReportImportResult {
        try write { () throws(StoreError) -> ReportImportResult in
            var result = ReportImportResult()
            let newest = try db.queryFirst(
                "SELECT max(report_date) FROM cpar_report_imports WHERE kind = ?1", "find newest report",
                bind: { (s) throws(StoreError) in try s.bind(1, kind.rawValue) }) { (s) throws(StoreError) in
                    try s.optionalDate(0, table: "cpar_report_imports", column: "report_date")
                } ?? nil
            if let newest, newest > date {
                result.newerReportDate = newest
                return result
            }
            try db.execute("""
                INSERT INTO cpar_report_imports (kind, report_date, imported, user, rows, matched, unmatched)
                VALUES (?1, ?2, CAST(strftime('%s', 'now') AS INTEGER), ?3, ?4, ?5, ?6)
                """, "record report import") { (s) throws(StoreError) in
                try s.bind(1, kind.rawValue)
                try s.bind(2, date)
                try s.bind(3, user)
                try s.bind(4, rows)
                try s.bind(5, rows - unmatched)
                try s.bind(6, unmatched)
            }
            let importID = db.lastInsertRowID
            for item in items {
                let codes = item.codes.map(\.rawValue).joined(separator: " ")
                let existing = try db.queryFirst(Self.findItem, "find worklist item", bind: { (s) throws(StoreError) in
                    try s.bind(1, kind.rawValue)
                    try s.bind(2, item.patientID)
                    try s.bind(3, item.otherPanel)
                    try s.bind(4, item.otherProvider)
                }) { (s) throws(StoreError) in
                    (s.int64(0), s.optionalText(1),
                     try s.optionalDate(2, table: "worklist_items", column: "last_report_date"))
                }
                if let (id, outcome, last) = existing, outcome == nil || last == date {
                    if outcome == nil { result.stillOpen += 1 } else { result.alreadyClosed += 1 }
                    try db.execute("""
                        UPDATE worklist_items SET last_import_id = ?2, last_report_date = ?3,
                            codes = CASE WHEN outcome IS NULL THEN ?4 ELSE codes END,
                            panel_id = CASE WHEN outcome IS NULL THEN ?5 ELSE panel_id END,
                            panel_label = CASE WHEN outcome IS NULL
                                THEN (SELECT coalesce(number, name) FROM panels WHERE id = ?5) ELSE panel_label END
                        WHERE id = ?1
                        """, "update worklist item") { (s) throws(StoreError) in
                        try s.bind(1, id)
                        try s.bind(2, importID)
                        try s.bind(3, date)
                        try s.bind(4, codes)
                        try s.bind(5, item.panelID)
                    }
                    continue
                }
                result.opened += 1
                try db.execute("""
                    INSERT INTO worklist_items (kind, patient_id, panel_id, panel_label, codes, other_panel,
                        other_provider, report_date, last_report_date, last_import_id, opened)
                    VALUES (?1, ?2, ?3, (SELECT coalesce(number, name) FROM panels WHERE id = ?3), ?4, ?5, ?6, ?7, ?7,
                        ?8, ?9)
                    """, "open worklist item") { (s) throws(StoreError) in
                    try s.bind(1, kind.rawValue)
                    try s.bind(2, item.patientID)
                    try s.bind(3, item.panelID)
                    try s.bind(4, codes)
                    try s.bind(5, item.otherPanel)
                    try s.bind(6, item.otherProvider)
                    try s.bind(7, date)
                    try s.bind(8, importID)
                    try s.bind(9, today)
                }
            }
            if clear {
                result.cleared = try db.execute("""
                    UPDATE worklist_items SET outcome = 'cleared', closed = ?3, closed_by = ?4
                    WHERE kind = ?1 AND outcome IS NULL AND last_import_id != ?2
                    """, "clear worklist items") { (s) throws(StoreError) in
                    try s.bind(1, kind.rawValue)
                    try s.bind(2, importID)
                    try s.bind(3, date)
                    try s.bind(4, user)
                }
            }
            return result
        }
    }

    private static let itemColumns = """
        id, kind, patient_id, panel_id, panel_label, codes, other_panel, other_provider, report_date,
        last_report_date, opened, outcome, closed, note
        """

    private static func itemRow(_ s: SQLiteStatement) throws(StoreError) -> WorklistItem {
        func date(_ c: Int32, _ column: String) throws(StoreError) -> CivilDate {
            guard let d = try s.optionalDate(c, table: "worklist_items", column: column) else {
                throw .invalidValue(table: "worklist_items", column: column)
            }
            return d
        }
        guard let kind = CPARReportKind(rawValue: s.text(1)) else {
            throw .invalidValue(table: "worklist_items", column: "kind")
        }
        let codes = s.text(5).split(separator: " ").compactMap { WorklistCode(rawValue: String($0)) }
        return WorklistItem(id: s.int64(0), kind: kind, patientID: s.text(2), panelID: s.optionalInt64(3),
                            panelLabel: s.optionalText(4), codes: codes, otherPanel: s.optionalText(6),
                            otherProvider: s.optionalText(7), reportDate: try date(8, "report_date"),
                            lastReportDate: try date(9, "last_report_date"), opened: try date(10, "opened"),
                            outcome: s.optionalText(11).flatMap(WorklistOutcome.init(rawValue:)),
                            closed: try s.optionalDate(12, table: "worklist_items", column: "closed"),
                            note: s.optionalText(13))
    }

    /// Worklist items ordered by id: open ones only unless `includeClosed`, optionally of one panel or patient.
    public func worklistItems(panelID: Int64? = nil, patientID: String? = nil,
                              includeClosed: Bool = false) throws(StoreError) -> [WorklistItem] {
        try db.query("""
            SELECT \(Self.itemColumns) FROM worklist_items
            WHERE (?1 IS NULL OR panel_id = ?1) AND (?2 IS NULL OR patient_id = ?2) AND (?3 OR outcome IS NULL)
            ORDER BY id
            """, "load worklist", bind: { (s) throws(StoreError) in
                try s.bind(1, panelID)
                try s.bind(2, patientID)
                try s.bind(3, includeClosed)
            }, row: Self.itemRow)
    }

    public func worklistItem(id: Int64) throws(StoreError) -> WorklistItem? {
        try db.queryFirst("SELECT \(Self.itemColumns) FROM worklist_items WHERE id = ?1", "load worklist item",
                          bind: { (s) throws(StoreError) in try s.bind(1, id) }, row: Self.itemRow)
    }

    /// Open items per panel id and kind (items of patients on no panel are under nil), for hygiene and the report.
    public func openWorklistCounts() throws(StoreError) -> [Int64?: [CPARReportKind: Int]] {
        let rows = try db.query("""
            SELECT panel_id, kind, count(*) FROM worklist_items WHERE outcome IS NULL GROUP BY panel_id, kind
            """, "count open worklist items") { s in (s.optionalInt64(0), s.text(1), s.int(2)) }
        var counts: [Int64?: [CPARReportKind: Int]] = [:]
        for (panel, kind, n) in rows { if let k = CPARReportKind(rawValue: kind) { counts[panel, default: [:]][k] = n } }
        return counts
    }

    /// What closing an item did.
    public enum ResolveResult: Sendable, Equatable {
        case resolved(WorklistItem, removedFromPanel: String?)
        case notFound
        case alreadyClosed(WorklistItem)
    }

    /// Closes an open item with the administrator's outcome, in one transaction; `removed` also takes the patient
    /// off their panel (audited under the connection's actor, in the same transaction).
    public func resolveWorklistItem(id: Int64, outcome: WorklistOutcome, note: String?, on date: CivilDate,
                                    user: String) throws(StoreError) -> ResolveResult {
        try write { () throws(StoreError) -> ResolveResult in
            guard let item = try worklistItem(id: id) else { return .notFound }
            guard item.isOpen else { return .alreadyClosed(item) }
            var removedFrom: String?
            if outcome == .removed, let m = try membership(patientID: item.patientID) {
                removedFrom = try panel(id: m.panelID)?.label
                try removeMembership(patientID: item.patientID)
            }
            try db.execute("""
                UPDATE worklist_items SET outcome = ?2, closed = ?3, closed_by = ?4, note = ?5 WHERE id = ?1
                """, "resolve worklist item") { (s) throws(StoreError) in
                try s.bind(1, id)
                try s.bind(2, outcome.rawValue)
                try s.bind(3, date)
                try s.bind(4, user)
                try s.bind(5, note)
            }
            var closed = item
            closed.outcome = outcome
            closed.closed = date
            closed.note = note
            return .resolved(closed, removedFromPanel: removedFrom)
        }
    }

    /// The newest Submitted submission of each panel: when it was delivered and how many patients it carried.
    public func lastSubmitted() throws(StoreError) -> [Int64: (delivered: Int64, patients: Int)] {
        let rows = try db.query("""
            SELECT panel_id, coalesce(delivered, updated), coalesce(patients, 0) FROM submissions s
            WHERE status = 'Submitted' AND rowid = (SELECT rowid FROM submissions t
                WHERE t.panel_id = s.panel_id AND t.status = 'Submitted' ORDER BY coalesce(delivered, updated) DESC,
                rowid DESC LIMIT 1)
            """, "load last submitted") { s in (s.int64(0), s.int64(1), s.int(2)) }
        var result: [Int64: (delivered: Int64, patients: Int)] = [:]
        for (panel, delivered, patients) in rows { result[panel] = (delivered, patients) }
        return result
    }
}
