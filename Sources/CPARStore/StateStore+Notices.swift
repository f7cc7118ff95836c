import CPARCore

extension StateStore {
    private static let noticeColumns = """
        id, submission_id, recipient, subject, body, created, maildir_delivered, smtp_delivered, attempts,
        next_attempt, last_error
        """

    private static func noticeRow(_ s: SQLiteStatement) -> Notice {
        Notice(id: s.int64(0), submissionID: s.text(1), recipient: s.text(2), subject: s.text(3), body: s.text(4),
               created: s.int64(5), maildirDelivered: s.bool(6), smtpDelivered: s.bool(7), attempts: s.int(8),
               nextAttempt: s.int64(9), lastError: s.optionalText(10))
    }

    /// Parameters 2…11 (the columns after id).
    private static func bindNotice(_ s: SQLiteStatement, _ n: Notice) throws(StoreError) {
        try s.bind(2, n.submissionID)
        try s.bind(3, n.recipient)
        try s.bind(4, n.subject)
        try s.bind(5, n.body)
        try s.bind(6, n.created)
        try s.bind(7, n.maildirDelivered)
        try s.bind(8, n.smtpDelivered)
        try s.bind(9, n.attempts)
        try s.bind(10, n.nextAttempt)
        try s.bind(11, n.lastError)
    }

    /// Records a notice (its `id` is ignored) and returns it with its new id. Call it in the same transaction as
    /// the transition to Failed. Throws `submissionNotFound` when the submission does not exist.
    @discardableResult
    public func insertNotice(_ notice: Notice) throws(StoreError) -> Notice {
        try write { () throws(StoreError) -> Notice in
            do throws(StoreError) {
                try db.execute("""
                    INSERT INTO notices (submission_id, recipient, subject, body, created, maildir_delivered,
                        smtp_delivered, attempts, next_attempt, last_error)
                    VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                    """, "add notice") { (s) throws(StoreError) in try Self.bindNotice(s, notice) }
            } catch {
                if case let .sqlite(_, _, code, _) = error, code == SQLiteCode.constraintForeignKey {
                    throw .submissionNotFound(id: notice.submissionID)
                }
                throw error
            }
            var saved = notice
            saved.id = db.lastInsertRowID
            return saved
        }
    }

    /// Saves every field of an existing notice (found by id; else `noticeNotFound`).
    public func updateNotice(_ notice: Notice) throws(StoreError) {
        try write { () throws(StoreError) in
            let changed = try db.execute("""
                UPDATE notices SET submission_id = ?2, recipient = ?3, subject = ?4, body = ?5, created = ?6,
                    maildir_delivered = ?7, smtp_delivered = ?8, attempts = ?9, next_attempt = ?10, last_error = ?11
                WHERE id = ?1
                """, "update notice") { (s) throws(StoreError) in
                try s.bind(1, notice.id)
                try Self.bindNotice(s, notice)
            }
            guard changed == 1 else { throw .noticeNotFound(id: notice.id) }
        }
    }

    /// Notices still to deliver whose next attempt is due (≤ `now`), oldest due first. A notice counts as
    /// delivered once every channel in use is done: pass `maildir: false` / `smtp: false` for a channel that is
    /// not configured.
    public func undeliveredNotices(now: Int64, maildir: Bool = true, smtp: Bool = true) throws(StoreError) -> [Notice] {
        try db.query("""
            SELECT \(Self.noticeColumns) FROM notices
            WHERE ((?2 AND maildir_delivered = 0) OR (?3 AND smtp_delivered = 0)) AND next_attempt <= ?1
            ORDER BY next_attempt, id
            """, "load undelivered notices", bind: { (s) throws(StoreError) in
                try s.bind(1, now)
                try s.bind(2, maildir)
                try s.bind(3, smtp)
            }, row: Self.noticeRow)
    }

    /// When the next undelivered notice is due, or nil when none is waiting (channels as in `undeliveredNotices`).
    public func nextNoticeTime(maildir: Bool = true, smtp: Bool = true) throws(StoreError) -> Int64? {
        try db.queryFirst("""
            SELECT min(next_attempt) FROM notices WHERE (?1 AND maildir_delivered = 0) OR (?2 AND smtp_delivered = 0)
            """, "find next notice", bind: { (s) throws(StoreError) in
                try s.bind(1, maildir)
                try s.bind(2, smtp)
            }) { $0.optionalInt64(0) } ?? nil
    }

    /// Notices, newest first: to one recipient, or all when `recipient` is nil.
    public func notices(recipient: String?) throws(StoreError) -> [Notice] {
        guard let recipient else {
            return try db.query("SELECT \(Self.noticeColumns) FROM notices ORDER BY created DESC, id DESC",
                                "load notices", row: Self.noticeRow)
        }
        return try db.query("""
            SELECT \(Self.noticeColumns) FROM notices WHERE recipient = ?1 ORDER BY created DESC, id DESC
            """, "load notices", bind: { (s) throws(StoreError) in try s.bind(1, recipient) }, row: Self.noticeRow)
    }

    /// The notices raised for one submission, oldest first.
    public func notices(submissionID: String) throws(StoreError) -> [Notice] {
        try db.query("SELECT \(Self.noticeColumns) FROM notices WHERE submission_id = ?1 ORDER BY id",
                     "load submission notices", bind: { (s) throws(StoreError) in try s.bind(1, submissionID) },
                     row: Self.noticeRow)
    }
}
