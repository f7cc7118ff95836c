import CPARSystem
import CSQLite
import Glibc

/// cpard's SQLite state store: site, panels, memberships, submissions and notices. SPEC §3, §8.
///
/// One `StateStore` is one SQLite connection. It is **not** safe to use from two threads at once: give each thread
/// (and each process) its own instance; it is not `Sendable`. Instances in different threads or processes share the
/// database safely: WAL mode, a 5 s busy timeout, and every write in a `BEGIN IMMEDIATE` transaction.
///
/// Every writing method is one transaction (or a savepoint inside the caller's `transaction`).
public final class StateStore {
    public let path: String
    let db: SQLiteConnection
    /// Open transaction levels: 0 = none, 1 = BEGIN, n > 1 = savepoint n.
    private var depth = 0

    /// How long a statement waits for another connection's lock before failing.
    public static let busyTimeoutMilliseconds: Int32 = 5000

    /// The page cache of a writing connection, as `PRAGMA cache_size` takes it (negative: KiB).
    static let cacheKiB = -65536
    /// The page cache while the memberships are scanned once (`forEachMembership`).
    static let scanCacheKiB = -2048

    /// Opens the database at `path`, creating the file (mode 0600; its directory must exist) and migrating the
    /// schema as needed. Enables WAL, `synchronous=FULL`, foreign keys and a 5 s busy timeout.
    public init(path: String) throws(StoreError) {
        self.path = path
        isReadOnly = false
        db = try SQLiteConnection(path: path, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds)
        let mode = try Self.enableWAL(db)
        guard mode?.lowercased() == "wal" || path == ":memory:" else {
            throw .open(path: path, message: "cannot enable WAL journal mode (got '\(mode ?? "")')")
        }
        try db.execute("PRAGMA synchronous = FULL", "set synchronous")
        try db.execute("PRAGMA foreign_keys = ON", "enable foreign keys")
        // Up to 64 MiB of page cache (filled only as pages are used): keeps bulk assigns of ~1M rows fast.
        try db.execute("PRAGMA cache_size = \(Self.cacheKiB)", "set cache size")
        // After a checkpoint, truncate a WAL that a bulk assign grew beyond 64 MiB.
        try db.execute("PRAGMA journal_size_limit = 67108864", "set WAL size limit")
        try Schema.migrate(db)
        try installAuditTriggers()
    }

    /// `PRAGMA journal_mode = WAL`. On a fresh file it needs an exclusive lock; when two processes switch the same
    /// fresh file at once, SQLite answers SQLITE_BUSY straight away to one of them (deadlock avoidance: the busy
    /// handler is not called), so that answer is retried for up to the busy timeout.
    private static func enableWAL(_ db: SQLiteConnection) throws(StoreError) -> String? {
        var waited: Int32 = 0
        while true {
            do {
                return try db.queryFirst("PRAGMA journal_mode = WAL", "enable WAL") { $0.text(0) }
            } catch {
                guard case let .sqlite(_, _, code, _) = error, code & 0xFF == SQLITE_BUSY,
                      waited < busyTimeoutMilliseconds else { throw error }
                usleep(10_000)
                waited += 10
            }
        }
    }

    /// Opens an existing database for reading only (SPEC §15: `status`, `history`, `validate`, … work on a
    /// read-only state directory). Nothing is created or migrated; every write fails with SQLite's "attempt to
    /// write a readonly database". When SQLite cannot open the WAL read-only (no `-shm` file and a directory it
    /// cannot create one in), the file is read as immutable: nobody can be writing it there.
    public init(readingOnly path: String) throws(StoreError) {
        self.path = path
        isReadOnly = true
        guard Posix.exists(path) else { throw .open(path: path, message: "no database (nothing has been stored yet)") }
        var connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds,
                                              access: .readOnly)
        do throws(StoreError) {
            try Schema.checkReadable(connection)
        } catch {
            if case .schemaTooNew = error { throw error }
            connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds,
                                              access: .immutable)
            try Schema.checkReadable(connection)
        }
        db = connection
    }

    /// Opens read-write, or read-only when the database or its directory cannot be written (a read-only mount,
    /// a directory without write permission): for commands that only read.
    public static func openForReading(path: String) throws(StoreError) -> StateStore {
        do {
            return try StateStore(path: path)
        } catch {
            guard isUnwritable(path) else { throw error }
            return try StateStore(readingOnly: path)
        }
    }

    /// True when neither `path` nor (when absent) its directory can be written by this process.
    public static func isUnwritable(_ path: String) -> Bool {
        let directory = Posix.directory(of: path)
        if access(directory, W_OK) != 0 { return true }
        return Posix.exists(path) && access(path, W_OK) != 0
    }

    /// True when opened with `init(readingOnly:)`.
    public let isReadOnly: Bool

    /// The schema version this build writes (`PRAGMA user_version` after opening).
    public static var schemaVersion: Int { Schema.version }

    // MARK: transactions

    /// Runs `body` in one transaction: `BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` if `body` throws (its error is
    /// rethrown). Nested calls (and the store's own writing methods inside `body`) use savepoints, so an inner
    /// failure that the caller catches undoes only the inner part.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin(immediate: true)
        let value: T
        do {
            value = try body()
        } catch {
            rollback()
            throw error
        }
        try commit()
        return value
    }

    /// A writing transaction for the store's own methods (typed errors).
    @discardableResult
    func write<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try inTransaction(immediate: true, body)
    }

    /// A read transaction, so that a multi-statement read sees one snapshot. Never write inside it.
    @discardableResult
    func read<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try inTransaction(immediate: false, body)
    }

    private func inTransaction<T>(immediate: Bool, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try begin(immediate: immediate)
        let value: T
        do throws(StoreError) {
            value = try body()
        } catch {
            rollback()
            throw error
        }
        try commit()
        return value
    }

    private func begin(immediate: Bool) throws(StoreError) {
        if depth == 0 {
            try db.execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN", "begin transaction")
        } else {
            // Savepoint names are generated from the nesting depth, never from input.
            try db.execute("SAVEPOINT cpard_\(depth + 1)", "begin savepoint")
        }
        depth += 1
    }

    private func commit() throws(StoreError) {
        do throws(StoreError) {
            try db.execute(depth == 1 ? "COMMIT" : "RELEASE cpard_\(depth)", "commit transaction")
        } catch {
            rollback()
            throw error
        }
        depth -= 1
    }

    /// Best effort: SQLite may already have rolled back on its own after some errors.
    private func rollback() {
        if depth == 1 {
            if !db.isAutocommit { _ = try? db.execute("ROLLBACK", "roll back transaction") }
        } else if !db.isAutocommit {
            _ = try? db.execute("ROLLBACK TO cpard_\(depth)", "roll back savepoint")
            _ = try? db.execute("RELEASE cpard_\(depth)", "release savepoint")
        }
        depth -= 1
    }

    // MARK: diagnostics

    /// The connection's settings as SQLite reports them (for tests and `cparctl` diagnostics).
    public func diagnostics() throws(StoreError) -> StoreDiagnostics {
        try StoreDiagnostics(
            journalMode: db.queryFirst("PRAGMA journal_mode", "read journal mode") { $0.text(0) } ?? "",
            synchronous: db.queryFirst("PRAGMA synchronous", "read synchronous") { $0.int(0) } ?? -1,
            foreignKeys: db.queryFirst("PRAGMA foreign_keys", "read foreign keys") { $0.bool(0) } ?? false,
            busyTimeoutMilliseconds: db.queryFirst("PRAGMA busy_timeout", "read busy timeout") { $0.int(0) } ?? 0,
            journalSizeLimitBytes: db.queryFirst("PRAGMA journal_size_limit", "read WAL size limit") { $0.int(0) } ?? -1,
            userVersion: Schema.userVersion(db))
    }
}
