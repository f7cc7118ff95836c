import CPARCore

/// The membership audit trail (SPEC §14): every change to `memberships` — whichever method makes it — writes one
/// `membership_audit` row in the same transaction, through TEMP triggers this connection installs when it opens.
/// The row names the actor set with `setAuditActor` (the person and command), the patient, and the panel and
/// confirmation date before and after. The table refuses UPDATE and DELETE (schema triggers): append-only.
extension StateStore {
    /// Installs the connection's audit triggers and its actor row (`unknown`/`unknown` until `setAuditActor`).
    /// TEMP triggers may watch a main-schema table; they exist only on this connection, so a connection opened by
    /// an older cpard writes no rows rather than failing.
    func installAuditTriggers() throws(StoreError) {
        let panel = { (id: String) in "(SELECT coalesce(number, name) FROM panels WHERE id = \(id))" }
        let insert = """
            INSERT INTO membership_audit (time, user, command, patient_id, panel_before_id, panel_before,
                panel_after_id, panel_after, confirmation_before, confirmation_after)
            SELECT coalesce(a.time, CAST(strftime('%s', 'now') AS INTEGER)), coalesce(a.user, 'unknown'),
                coalesce(a.command, 'unknown'),
            """
        let actor = "FROM (SELECT 1) LEFT JOIN audit_actor a ON a.id = 1"
        let statements = [
            """
            CREATE TEMP TABLE IF NOT EXISTS audit_actor (
                id INTEGER PRIMARY KEY CHECK (id = 1), user TEXT NOT NULL, command TEXT NOT NULL, time INTEGER)
            """,
            """
            CREATE TEMP TRIGGER IF NOT EXISTS audit_membership_insert AFTER INSERT ON main.memberships BEGIN
            \(insert) NEW.patient_id, NULL, NULL, NEW.panel_id, \(panel("NEW.panel_id")), NULL, NEW.confirmation_date
            \(actor); END
            """,
            """
            CREATE TEMP TRIGGER IF NOT EXISTS audit_membership_update AFTER UPDATE ON main.memberships
            WHEN OLD.panel_id IS NOT NEW.panel_id OR OLD.confirmation_date IS NOT NEW.confirmation_date
                OR OLD.patient_id IS NOT NEW.patient_id BEGIN
            \(insert) NEW.patient_id, OLD.panel_id, \(panel("OLD.panel_id")), NEW.panel_id, \(panel("NEW.panel_id")),
                OLD.confirmation_date, NEW.confirmation_date
            \(actor); END
            """,
            """
            CREATE TEMP TRIGGER IF NOT EXISTS audit_membership_delete AFTER DELETE ON main.memberships BEGIN
            \(insert) OLD.patient_id, OLD.panel_id, \(panel("OLD.panel_id")), NULL, NULL, OLD.confirmation_date, NULL
            \(actor); END
            """,
        ]
        for sql in statements { try db.execute(sql, "install audit triggers") }
    }

    /// Names the person and command that the following membership changes on this connection are recorded under.
    public func setAuditActor(_ actor: AuditActor) throws(StoreError) {
        try db.execute("INSERT OR REPLACE INTO audit_actor (id, user, command, time) VALUES (1, ?1, ?2, ?3)",
                       "set audit actor") { (s) throws(StoreError) in
            try s.bind(1, actor.user)
            try s.bind(2, actor.command)
            try s.bind(3, actor.time)
        }
    }

    private static func auditRow(_ s: SQLiteStatement) throws(StoreError) -> AuditEntry {
        AuditEntry(id: s.int64(0), time: s.int64(1), user: s.text(2), command: s.text(3), patientID: s.text(4),
                   panelBefore: s.optionalText(5), panelAfter: s.optionalText(6),
                   confirmationBefore: try s.optionalDate(7, table: "membership_audit", column: "confirmation_before"),
                   confirmationAfter: try s.optionalDate(8, table: "membership_audit", column: "confirmation_after"))
    }

    private static let auditColumns = """
        id, time, user, command, patient_id, panel_before, panel_after, confirmation_before, confirmation_after
        """

    /// Audit entries, oldest first, filtered by panel (before or after the change), patient and time
    /// (`since`: seconds since 1970, inclusive). `limit` keeps the newest entries when set.
    public func auditEntries(panelID: Int64? = nil, patientID: String? = nil, since: Int64? = nil,
                             limit: Int? = nil) throws(StoreError) -> [AuditEntry] {
        try db.query("""
            SELECT * FROM (
                SELECT \(Self.auditColumns) FROM membership_audit
                WHERE (?1 IS NULL OR panel_before_id = ?1 OR panel_after_id = ?1)
                  AND (?2 IS NULL OR patient_id = ?2) AND (?3 IS NULL OR time >= ?3)
                ORDER BY id DESC LIMIT ?4
            ) ORDER BY id
            """, "load audit entries", bind: { (s) throws(StoreError) in
                try s.bind(1, panelID)
                try s.bind(2, patientID)
                try s.bind(3, since)
                try s.bind(4, Int64(limit ?? -1))
            }, row: Self.auditRow)
    }

    /// One patient's membership history, oldest first (for `patient show`).
    public func auditEntries(patientID: String) throws(StoreError) -> [AuditEntry] {
        try db.query("SELECT \(Self.auditColumns) FROM membership_audit WHERE patient_id = ?1 ORDER BY id",
                     "load patient audit entries", bind: { (s) throws(StoreError) in try s.bind(1, patientID) },
                     row: Self.auditRow)
    }
}
