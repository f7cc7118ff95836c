import CPARCore

extension StateStore {
    private static let submissionColumns = """
        id, panel_id, panel_label, period, "trigger", status, created, updated, next_attempt, attempts, delivered,
        patients, error, tracking_id, payload_sha256, payload_path, requested_by, reason, first_attempt, requeued
        """

    private static func submissionRow(_ s: SQLiteStatement) throws(StoreError) -> Submission {
        guard let period = Period(s.text(3)) else { throw .invalidValue(table: "submissions", column: "period") }
        guard let trigger = SubmissionTrigger(rawValue: s.text(4)) else {
            throw .invalidValue(table: "submissions", column: "trigger")
        }
        guard let status = SubmissionStatus(rawValue: s.text(5)) else {
            throw .invalidValue(table: "submissions", column: "status")
        }
        return Submission(
            id: s.text(0), panelID: s.int64(1), panelLabel: s.text(2), period: period, trigger: trigger,
            status: status, created: s.int64(6), updated: s.int64(7), nextAttempt: s.optionalInt64(8),
            attempts: s.int(9), delivered: s.optionalInt64(10), patients: s.optionalInt(11),
            error: s.optionalText(12), trackingID: s.optionalText(13), payloadSHA256: s.optionalText(14),
            payloadPath: s.optionalText(15), requestedBy: s.optionalText(16), reason: s.optionalText(17),
            firstAttempt: s.optionalInt64(18), requeued: s.int(19) != 0)
    }

    /// Binds every column in `submissionColumns` order to parameters 1…20.
    private static func bindSubmission(_ s: SQLiteStatement, _ sub: Submission) throws(StoreError) {
        try s.bind(1, sub.id)
        try s.bind(2, sub.panelID)
        try s.bind(3, sub.panelLabel)
        try s.bind(4, sub.period.description)
        try s.bind(5, sub.trigger.rawValue)
        try s.bind(6, sub.status.rawValue)
        try s.bind(7, sub.created)
        try s.bind(8, sub.updated)
        try s.bind(9, sub.nextAttempt)
        try s.bind(10, sub.attempts)
        try s.bind(11, sub.delivered)
        try s.bind(12, sub.patients)
        try s.bind(13, sub.error)
        try s.bind(14, sub.trackingID)
        try s.bind(15, sub.payloadSHA256)
        try s.bind(16, sub.payloadPath)
        try s.bind(17, sub.requestedBy)
        try s.bind(18, sub.reason)
        try s.bind(19, sub.firstAttempt)
        try s.bind(20, sub.requeued)
    }

    private static func mapSubmissionError(_ error: StoreError, _ sub: Submission) -> StoreError {
        guard case let .sqlite(_, _, code, _) = error else { return error }
        switch code {
        case SQLiteCode.constraintPrimaryKey: return .duplicateSubmissionID(sub.id)
        case SQLiteCode.constraintUnique: return .duplicateScheduled(panelLabel: sub.panelLabel, period: sub.period)
        default: return error
        }
    }

    /// Records a new submission. A second scheduled one for the same (panel, period) throws `duplicateScheduled`;
    /// manual ones are not limited.
    public func insertSubmission(_ submission: Submission) throws(StoreError) {
        try write { () throws(StoreError) in
            do throws(StoreError) {
                try db.execute("""
                    INSERT INTO submissions (\(Self.submissionColumns))
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
                    """, "add submission") { (s) throws(StoreError) in try Self.bindSubmission(s, submission) }
            } catch {
                throw Self.mapSubmissionError(error, submission)
            }
        }
    }

    /// Saves every field of an existing submission (found by id; else `submissionNotFound`).
    public func updateSubmission(_ submission: Submission) throws(StoreError) {
        try write { () throws(StoreError) in
            let changed: Int
            do throws(StoreError) {
                changed = try db.execute("""
                    UPDATE submissions SET panel_id = ?2, panel_label = ?3, period = ?4, "trigger" = ?5, status = ?6,
                        created = ?7, updated = ?8, next_attempt = ?9, attempts = ?10, delivered = ?11,
                        patients = ?12, error = ?13, tracking_id = ?14, payload_sha256 = ?15, payload_path = ?16,
                        requested_by = ?17, reason = ?18, first_attempt = ?19,
                        requeued = ?20
                    WHERE id = ?1
                    """, "update submission") { (s) throws(StoreError) in try Self.bindSubmission(s, submission) }
            } catch {
                throw Self.mapSubmissionError(error, submission)
            }
            guard changed == 1 else { throw .submissionNotFound(id: submission.id) }
        }
    }

    public func submission(id: String) throws(StoreError) -> Submission? {
        try db.queryFirst("SELECT \(Self.submissionColumns) FROM submissions WHERE id = ?1", "load submission",
                          bind: { (s) throws(StoreError) in try s.bind(1, id) }, row: Self.submissionRow)
    }

    /// The id of a submission other than `excluding` that already holds `trackingID`, if any: a registry answer
    /// naming it for another submission contradicts that one.
    public func submissionID(trackingID: String, excluding: String) throws(StoreError) -> String? {
        try db.queryFirst("SELECT id FROM submissions WHERE tracking_id = ?1 AND id <> ?2 LIMIT 1",
                          "find tracking ID", bind: { (s) throws(StoreError) in
                              try s.bind(1, trackingID)
                              try s.bind(2, excluding)
                          }) { $0.text(0) }
    }

    /// The panel's most recent submission by insertion order (never by wall-clock time, which can step back):
    /// its current status.
    public func latestSubmission(panelID: Int64) throws(StoreError) -> Submission? {
        try db.queryFirst("""
            SELECT \(Self.submissionColumns) FROM submissions WHERE panel_id = ?1
            ORDER BY rowid DESC LIMIT 1
            """, "load latest submission", bind: { (s) throws(StoreError) in try s.bind(1, panelID) },
            row: Self.submissionRow)
    }

    /// The latest submission of every existing panel that has one, by panel id.
    public func latestSubmissions() throws(StoreError) -> [Int64: Submission] {
        let rows = try db.query("""
            SELECT \(Self.submissionColumns) FROM submissions AS s
            WHERE s.rowid = (SELECT rowid FROM submissions WHERE panel_id = s.panel_id
                             ORDER BY rowid DESC LIMIT 1)
              AND s.panel_id IN (SELECT id FROM panels)
            """, "load latest submissions", row: Self.submissionRow)
        return Dictionary(rows.map { ($0.panelID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// History, newest first: one panel's (including a deleted panel's), or every panel's when `panelID` is nil.
    public func submissions(panelID: Int64?) throws(StoreError) -> [Submission] {
        guard let panelID else {
            return try db.query("SELECT \(Self.submissionColumns) FROM submissions ORDER BY created DESC, rowid DESC",
                                "load history", row: Self.submissionRow)
        }
        return try db.query("""
            SELECT \(Self.submissionColumns) FROM submissions WHERE panel_id = ?1 ORDER BY created DESC, rowid DESC
            """, "load panel history", bind: { (s) throws(StoreError) in try s.bind(1, panelID) },
            row: Self.submissionRow)
    }

    /// Every submission in `status`, oldest first.
    public func submissions(status: SubmissionStatus) throws(StoreError) -> [Submission] {
        try db.query("""
            SELECT \(Self.submissionColumns) FROM submissions WHERE status = ?1 ORDER BY created, rowid
            """, "load submissions by status", bind: { (s) throws(StoreError) in try s.bind(1, status.rawValue) },
            row: Self.submissionRow)
    }

    /// Queued or Pending submissions whose next attempt is due (≤ `now`, or unset), oldest (created) first.
    public func dueSubmissions(now: Int64) throws(StoreError) -> [Submission] {
        try db.query("""
            SELECT \(Self.submissionColumns) FROM submissions
            WHERE status IN ('Queued', 'Pending') AND (next_attempt IS NULL OR next_attempt <= ?1)
            ORDER BY created, rowid
            """, "load due submissions", bind: { (s) throws(StoreError) in try s.bind(1, now) },
            row: Self.submissionRow)
    }

    /// When the next Queued or Pending submission is due, or nil when none waits. A submission with no next
    /// attempt time is due at once: its created time stands in.
    public func nextDueTime() throws(StoreError) -> Int64? {
        try db.queryFirst("""
            SELECT min(coalesce(next_attempt, created)) FROM submissions WHERE status IN ('Queued', 'Pending')
            """, "find next due submission") { $0.optionalInt64(0) } ?? nil
    }

    /// How many existing panels have their latest submission in each status (every status present, maybe 0).
    /// Panels never submitted are not counted.
    public func statusCounts() throws(StoreError) -> [SubmissionStatus: Int] {
        let statuses = try db.query("""
            SELECT (SELECT status FROM submissions WHERE panel_id = p.id ORDER BY rowid DESC LIMIT 1)
            FROM panels AS p
            """, "count statuses") { $0.optionalText(0) }
        var counts = Dictionary(uniqueKeysWithValues: SubmissionStatus.allCases.map { ($0, 0) })
        for case let text? in statuses {
            guard let status = SubmissionStatus(rawValue: text) else {
                throw .invalidValue(table: "submissions", column: "status")
            }
            counts[status, default: 0] += 1
        }
        return counts
    }
}
