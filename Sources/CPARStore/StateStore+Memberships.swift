import CPARCore
import CPARSystem
import CSQLite

extension StateStore {
    private static func membershipRow(_ s: SQLiteStatement) throws(StoreError) -> Membership {
        Membership(patientID: s.text(0), panelID: s.int64(1),
                   confirmationDate: try s.optionalDate(2, table: "memberships", column: "confirmation_date"))
    }

    private static let upsertMembership = """
        INSERT INTO memberships (patient_id, panel_id, confirmation_date) VALUES (?1, ?2, ?3)
        ON CONFLICT (patient_id) DO UPDATE SET panel_id = excluded.panel_id,
            confirmation_date = excluded.confirmation_date
        """

    /// Every membership, ordered by panel id then patient id (read from a covering index).
    public func memberships() throws(StoreError) -> [Membership] {
        try db.query("SELECT patient_id, panel_id, confirmation_date FROM memberships ORDER BY panel_id, patient_id",
                     "load memberships", row: Self.membershipRow)
    }

    /// Every membership in patient id (byte) order, streamed without building a `String` or an array: `body` gets
    /// the patient id's UTF-8 bytes (valid only during the call), the panel id and the confirmation date. The
    /// extract's bulk path: a million rows read in a fraction of a second.
    public func forEachMembership(
        _ body: (UnsafeBufferPointer<UInt8>, Int64, CivilDate?) throws(StoreError) -> Void
    ) throws(StoreError) {
        // Each page is read once: a small page cache recycles its memory instead of filling the whole cache with
        // fresh pages (at a million rows, 60 MB of page faults and copies), and nothing needs giving back after.
        let cacheSize = try db.queryFirst("PRAGMA cache_size", "read cache size") { $0.int(0) } ?? Self.cacheKiB
        try db.execute("PRAGMA cache_size = \(Self.scanCacheKiB)", "set cache size")
        let scanned = Result { () throws(StoreError) in
            try read { () throws(StoreError) in
                try db.withStatement("SELECT patient_id, panel_id, confirmation_date FROM memberships ORDER BY patient_id",
                                     "load memberships") { (s) throws(StoreError) in
                    while try s.step() {
                        let date = try s.optionalDate(2, table: "memberships", column: "confirmation_date")
                        let id = sqlite3_column_text(s.handle, 0)
                        let count = Int(sqlite3_column_bytes(s.handle, 0))
                        try body(UnsafeBufferPointer(start: id, count: id == nil ? 0 : count), s.int64(1), date)
                    }
                }
            }
        }
        // PRAGMA takes no bound parameters; the value is SQLite's own answer above.
        try db.execute("PRAGMA cache_size = \(cacheSize)", "set cache size")
        try scanned.get()
    }

    /// At most this many memberships can exist: each is a table row and an index entry, together at least 14 bytes
    /// of the database or its write-ahead log (cell pointers, record headers, the id). A capacity to reserve before
    /// `forEachMembership` (memory reserved and never written costs nothing), so that a million rows are not copied
    /// as their arrays grow; were it ever short, they would grow as usual.
    public func membershipCountBound() -> Int {
        func size(_ path: String) -> Int { (try? Posix.stat(path)).map { Int($0.st_size) } ?? 0 }
        return (size(path) + size(path + "-wal")) / 12
    }

    /// The patients on one panel, ordered by patient id.
    public func memberships(panelID: Int64) throws(StoreError) -> [Membership] {
        try db.query("""
            SELECT patient_id, panel_id, confirmation_date FROM memberships
            WHERE panel_id = ?1 ORDER BY patient_id
            """, "load panel members", bind: { (s) throws(StoreError) in try s.bind(1, panelID) },
            row: Self.membershipRow)
    }

    /// The patient's panel membership, if any.
    public func membership(patientID: String) throws(StoreError) -> Membership? {
        try db.queryFirst("SELECT patient_id, panel_id, confirmation_date FROM memberships WHERE patient_id = ?1",
                          "load membership", bind: { (s) throws(StoreError) in try s.bind(1, patientID) },
                          row: Self.membershipRow)
    }

    /// Patients per panel id; panels with no patients are absent.
    public func memberCounts() throws(StoreError) -> [Int64: Int] {
        let rows = try db.query("SELECT panel_id, count(*) FROM memberships GROUP BY panel_id", "count members") {
            s in (s.int64(0), s.int(1))
        }
        return Dictionary(uniqueKeysWithValues: rows)
    }

    /// Puts the patient on the panel with this confirmation date, moving them off any other panel.
    /// Returns the membership it replaced, if any. Throws `panelNotFound` for an unknown panel.
    @discardableResult
    public func assign(patientID: String, panelID: Int64,
                       confirmationDate: CivilDate?) throws(StoreError) -> Membership? {
        try write { () throws(StoreError) -> Membership? in
            try requirePanels([panelID])
            let previous = try membership(patientID: patientID)
            try db.execute(Self.upsertMembership, "assign patient") { (s) throws(StoreError) in
                try s.bind(1, patientID)
                try s.bind(2, panelID)
                try s.bind(3, confirmationDate)
            }
            return previous
        }
    }

    /// Assigns every membership in one transaction (later entries win for a repeated patient).
    /// Throws `panelNotFound`, changing nothing, if any panel is unknown.
    public func assign(_ batch: [Membership]) throws(StoreError) {
        try write { () throws(StoreError) in
            try requirePanels(Set(batch.map(\.panelID)))
            try db.withStatement(Self.upsertMembership, "assign patients") { (s) throws(StoreError) in
                for m in Self.inKeyOrder(batch) {
                    try s.bind(1, m.patientID)
                    try s.bind(2, m.panelID)
                    try s.bind(3, m.confirmationDate)
                    while try s.step() {}
                    s.reset()
                }
            }
        }
    }

    /// Takes the patient off their panel. False when they were on none.
    @discardableResult
    public func removeMembership(patientID: String) throws(StoreError) -> Bool {
        try write { () throws(StoreError) -> Bool in
            try db.execute("DELETE FROM memberships WHERE patient_id = ?1", "remove patient") {
                (s) throws(StoreError) in try s.bind(1, patientID)
            } > 0
        }
    }

    /// Sets the confirmation date of the patient's membership. False when they are on no panel.
    @discardableResult
    public func confirm(patientID: String, date: CivilDate) throws(StoreError) -> Bool {
        try write { () throws(StoreError) -> Bool in
            try db.execute("UPDATE memberships SET confirmation_date = ?2 WHERE patient_id = ?1", "confirm patient") {
                (s) throws(StoreError) in
                try s.bind(1, patientID)
                try s.bind(2, date)
            } > 0
        }
    }

    /// Moves every patient of panel `from` to panel `to`, keeping confirmation dates. Returns how many moved
    /// (with `dryRun`, how many would move; nothing is written).
    @discardableResult
    public func moveMembers(from: Int64, to: Int64, dryRun: Bool = false) throws(StoreError) -> Int {
        if dryRun { return try memberCount(panelID: from) }
        return try write { () throws(StoreError) -> Int in
            try requirePanels([from, to])
            return try db.execute("UPDATE memberships SET panel_id = ?2 WHERE panel_id = ?1", "move patients") {
                (s) throws(StoreError) in
                try s.bind(1, from)
                try s.bind(2, to)
            }
        }
    }

    /// Takes every patient off the panel. Returns how many were removed (with `dryRun`, how many would be).
    @discardableResult
    public func removeMembers(panelID: Int64, dryRun: Bool = false) throws(StoreError) -> Int {
        if dryRun { return try memberCount(panelID: panelID) }
        return try write { () throws(StoreError) -> Int in
            try db.execute("DELETE FROM memberships WHERE panel_id = ?1", "remove patients") {
                (s) throws(StoreError) in try s.bind(1, panelID)
            }
        }
    }

    /// How many patients are on the panel.
    public func memberCount(panelID: Int64) throws(StoreError) -> Int {
        try db.queryFirst("SELECT count(*) FROM memberships WHERE panel_id = ?1", "count members",
                          bind: { (s) throws(StoreError) in try s.bind(1, panelID) }) { $0.int(0) } ?? 0
    }

    /// `bulk assign` (SPEC §4): each candidate (patient and confirmation date) joins `panelID`. A patient already on
    /// the panel keeps its membership and confirmation date; a patient on another panel stays there and is counted,
    /// unless `move` (then it moves, with the candidate's confirmation date). One transaction; with `dryRun` only the
    /// outcome is computed and nothing is written. Throws `panelNotFound` for an unknown panel.
    public func bulkAssign(_ candidates: [(patientID: String, confirmationDate: CivilDate?)], panelID: Int64,
                           move: Bool, dryRun: Bool) throws(StoreError) -> BulkAssignOutcome {
        if dryRun {
            return try read { () throws(StoreError) -> BulkAssignOutcome in
                try planBulkAssign(candidates, panelID: panelID, move: move)
            }
        }
        return try write { () throws(StoreError) -> BulkAssignOutcome in
            let outcome = try planBulkAssign(candidates, panelID: panelID, move: move)
            try applyMembershipChanges(outcome.changes)
            return outcome
        }
    }

    /// The `bulkAssign` rule, read only (inside the caller's transaction).
    private func planBulkAssign(_ candidates: [(patientID: String, confirmationDate: CivilDate?)], panelID: Int64,
                                move: Bool) throws(StoreError) -> BulkAssignOutcome {
        try requirePanels([panelID])
        var current: [String: Membership] = [:]
        for m in try memberships() { current[m.patientID] = m }
        var outcome = BulkAssignOutcome()
        var seen = Set<String>()
        for c in candidates where seen.insert(c.patientID).inserted {
            let before = current[c.patientID]
            if let before, before.panelID == panelID {
                outcome.alreadyOnPanel += 1
            } else if let before, !move {
                outcome.leftOnOtherPanels[before.panelID, default: 0] += 1
            } else {
                outcome.changes.append(MembershipChange(
                    patientID: c.patientID, panelBefore: before?.panelID, panelAfter: panelID,
                    confirmationBefore: before?.confirmationDate, confirmationAfter: c.confirmationDate))
            }
        }
        return outcome
    }

    /// Writes membership changes (inside the caller's transaction): the one place bulk changes reach the table.
    private func applyMembershipChanges(_ changes: [MembershipChange]) throws(StoreError) {
        let sorted = changes.sorted { $0.patientID < $1.patientID }
        try db.withStatement(Self.upsertMembership, "assign patients") { (s) throws(StoreError) in
            for c in sorted {
                guard let panel = c.panelAfter else { continue }
                try s.bind(1, c.patientID)
                try s.bind(2, panel)
                try s.bind(3, c.confirmationAfter)
                while try s.step() {}
                s.reset()
            }
        }
        for c in sorted where c.panelAfter == nil {
            try db.execute("DELETE FROM memberships WHERE patient_id = ?1", "remove patient") {
                (s) throws(StoreError) in try s.bind(1, c.patientID)
            }
        }
    }

    /// The batch in patient-id order, repeated patients kept in batch order so the last still wins. Inserting in
    /// key order is several times faster than random order on large batches. (Swift orders NFC text as SQLite's
    /// byte order does; any other text only loses some speed, never correctness.)
    private static func inKeyOrder(_ batch: [Membership]) -> [Membership] {
        if zip(batch, batch.dropFirst()).allSatisfy({ $0.patientID < $1.patientID }) { return batch }
        var order = Array(batch.indices)
        order.sort { a, b in
            let x = batch[a].patientID, y = batch[b].patientID
            return x < y || (x == y && a < b)
        }
        return order.map { batch[$0] }
    }

    /// Throws `panelNotFound` for the first id that names no panel.
    private func requirePanels(_ ids: Set<Int64>) throws(StoreError) {
        for id in ids.sorted() {
            let exists = try db.queryFirst("SELECT 1 FROM panels WHERE id = ?1", "check panel",
                                           bind: { (s) throws(StoreError) in try s.bind(1, id) }) { _ in true }
            if exists == nil { throw .panelNotFound(id: id) }
        }
    }
}
