/// The database schema and its forward-only migrations, all in one place.
///
/// `PRAGMA user_version` holds the number of migrations applied. Migration `i` takes the schema from version `i`
/// to `i + 1`; a shipped migration is never edited, only followed by a new one.
enum Schema {
    static let migrations: [[String]] = [
        // 1: initial schema.
        [
            """
            CREATE TABLE site (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                name TEXT NOT NULL,
                site_id TEXT NOT NULL
            )
            """,
            // AUTOINCREMENT: a deleted panel's id is never reused, so its submission history never
            // attaches to a newer panel.
            """
            CREATE TABLE panels (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                number TEXT UNIQUE,
                cpar_enabled INTEGER NOT NULL CHECK (cpar_enabled IN (0, 1)),
                notify TEXT
            )
            """,
            """
            CREATE TABLE panel_facilities (
                panel_id INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                facility_id TEXT NOT NULL,
                PRIMARY KEY (panel_id, position)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE panel_practitioners (
                panel_id INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                provider_id TEXT NOT NULL,
                PRIMARY KEY (panel_id, position)
            ) WITHOUT ROWID
            """,
            // A patient is on at most one panel: patient_id is the key. No ON DELETE action: a panel with
            // patients on it cannot be deleted.
            """
            CREATE TABLE memberships (
                patient_id TEXT NOT NULL PRIMARY KEY,
                panel_id INTEGER NOT NULL REFERENCES panels (id),
                confirmation_date TEXT CHECK (confirmation_date IS NULL OR length(confirmation_date) = 10)
            ) WITHOUT ROWID
            """,
            // Covering index: loading all memberships in (panel, patient) order never touches the table.
            "CREATE INDEX memberships_panel ON memberships (panel_id, patient_id, confirmation_date)",
            // panel_id is deliberately not a foreign key: history outlives a deleted panel (panel ids are
            // never reused, and panel_label keeps the panel's name for display).
            """
            CREATE TABLE submissions (
                id TEXT NOT NULL PRIMARY KEY,
                panel_id INTEGER NOT NULL,
                panel_label TEXT NOT NULL,
                period TEXT NOT NULL CHECK (length(period) = 7),
                "trigger" TEXT NOT NULL CHECK ("trigger" IN ('manual', 'scheduled')),
                status TEXT NOT NULL CHECK (status IN ('Queued', 'Pending', 'Submitted', 'Failed')),
                created INTEGER NOT NULL,
                updated INTEGER NOT NULL,
                next_attempt INTEGER,
                attempts INTEGER NOT NULL DEFAULT 0,
                delivered INTEGER,
                patients INTEGER,
                error TEXT,
                tracking_id TEXT,
                payload_sha256 TEXT,
                payload_path TEXT,
                requested_by TEXT,
                reason TEXT
            )
            """,
            """
            CREATE UNIQUE INDEX submissions_scheduled ON submissions (panel_id, period) WHERE "trigger" = 'scheduled'
            """,
            "CREATE INDEX submissions_status ON submissions (status, next_attempt)",
            "CREATE INDEX submissions_panel_created ON submissions (panel_id, created)",
            // One notice per transition to Failed; the caller inserts it in the same transaction.
            """
            CREATE TABLE notices (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                submission_id TEXT NOT NULL REFERENCES submissions (id),
                recipient TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                created INTEGER NOT NULL,
                maildir_delivered INTEGER NOT NULL DEFAULT 0 CHECK (maildir_delivered IN (0, 1)),
                smtp_delivered INTEGER NOT NULL DEFAULT 0 CHECK (smtp_delivered IN (0, 1)),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt INTEGER NOT NULL,
                last_error TEXT
            )
            """,
            "CREATE INDEX notices_next_attempt ON notices (next_attempt)",
            "CREATE INDEX notices_submission ON notices (submission_id)",
            "CREATE INDEX notices_recipient ON notices (recipient, created)",
        ],
        // 2: when the first POST was made; retry.max_lifetime counts from it, not from a blackout-deferred creation.
        [
            "ALTER TABLE submissions ADD COLUMN first_attempt INTEGER",
        ],
        // 3: a re-queue of a Failed panel (SIGUSR1) is stored, not inferred from the reason text; the re-queues made
        // before are recognised by the reason cpard gave them.
        [
            "ALTER TABLE submissions ADD COLUMN requeued INTEGER NOT NULL DEFAULT 0 CHECK (requeued IN (0, 1))",
            """
            UPDATE submissions SET requeued = 1 WHERE "trigger" = 'manual' AND reason = 're-queued after failure'
            """,
        ],
        // 4: SPEC §14: the membership audit trail (append-only), CPAR report imports and the worklist.
        [
            // Panels by label as well as id: the trail outlives a deleted panel. Rows are written by the
            // connection's audit triggers (StateStore+Audit.swift) in the transaction of the change.
            """
            CREATE TABLE membership_audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time INTEGER NOT NULL,
                user TEXT NOT NULL,
                command TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                panel_before_id INTEGER,
                panel_before TEXT,
                panel_after_id INTEGER,
                panel_after TEXT,
                confirmation_before TEXT,
                confirmation_after TEXT
            )
            """,
            "CREATE INDEX membership_audit_patient ON membership_audit (patient_id)",
            """
            CREATE TRIGGER membership_audit_no_update BEFORE UPDATE ON membership_audit
            BEGIN SELECT RAISE(ABORT, 'the membership audit trail is append-only'); END
            """,
            """
            CREATE TRIGGER membership_audit_no_delete BEFORE DELETE ON membership_audit
            BEGIN SELECT RAISE(ABORT, 'the membership audit trail is append-only'); END
            """,
            // One row per import: kind, report date and counts; never the file's contents.
            """
            CREATE TABLE cpar_report_imports (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('conflict', 'mismatch')),
                report_date TEXT NOT NULL CHECK (length(report_date) = 10),
                imported INTEGER NOT NULL,
                user TEXT NOT NULL,
                rows INTEGER NOT NULL,
                matched INTEGER NOT NULL,
                unmatched INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE worklist_items (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('conflict', 'mismatch')),
                patient_id TEXT NOT NULL,
                panel_id INTEGER,
                panel_label TEXT,
                codes TEXT NOT NULL,
                other_panel TEXT,
                other_provider TEXT,
                report_date TEXT NOT NULL CHECK (length(report_date) = 10),
                last_report_date TEXT NOT NULL CHECK (length(last_report_date) = 10),
                last_import_id INTEGER NOT NULL REFERENCES cpar_report_imports (id),
                opened TEXT NOT NULL CHECK (length(opened) = 10),
                outcome TEXT CHECK (outcome IS NULL
                    OR outcome IN ('kept', 'removed', 'corrected', 'other', 'cleared')),
                closed TEXT CHECK (closed IS NULL OR length(closed) = 10),
                closed_by TEXT,
                note TEXT
            )
            """,
            "CREATE INDEX worklist_items_open ON worklist_items (kind, patient_id) WHERE outcome IS NULL",
            "CREATE INDEX worklist_items_patient ON worklist_items (patient_id)",
        ],
    ]

    /// The schema version this build writes.
    static var version: Int { migrations.count }

    /// Brings the database up to `version` in one immediate transaction (safe when two processes open a fresh
    /// file at once: the second re-reads the version under the lock and sees the first's result).
    /// For a read-only connection: the schema must be this build's exactly (an older one needs a writing command
    /// to migrate it first).
    static func checkReadable(_ db: SQLiteConnection) throws(StoreError) {
        let current = try userVersion(db)
        if current > version { throw .schemaTooNew(path: db.path, found: current, supported: version) }
        if current < version {
            throw .open(path: db.path, message: "schema version \(current) needs an upgrade, which a read-only state "
                + "directory does not allow; run cpard or a writing cparctl command once with write access")
        }
    }

    static func migrate(_ db: SQLiteConnection) throws(StoreError) {
        // The common case, an up-to-date database, takes no write lock.
        let current = try userVersion(db)
        if current == version { return }
        if current > version { throw .schemaTooNew(path: db.path, found: current, supported: version) }
        try db.execute("BEGIN IMMEDIATE", "begin migration")
        do throws(StoreError) {
            let found = try userVersion(db)
            guard found <= version else {
                throw StoreError.schemaTooNew(path: db.path, found: found, supported: version)
            }
            if found < version {
                for step in found..<version {
                    for sql in migrations[step] {
                        try db.execute(sql, "migrate schema to version \(step + 1)")
                    }
                }
                // PRAGMA takes no bound parameters; the value is this build's own constant, never input.
                try db.execute("PRAGMA user_version = \(version)", "set schema version")
            }
            try db.execute("COMMIT", "commit migration")
        } catch {
            if !db.isAutocommit { _ = try? db.execute("ROLLBACK", "roll back migration") }
            throw error
        }
    }

    static func userVersion(_ db: SQLiteConnection) throws(StoreError) -> Int {
        try db.queryFirst("PRAGMA user_version", "read schema version") { $0.int(0) } ?? 0
    }
}
