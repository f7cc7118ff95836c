import CPARSystem
import CSQLite
import Glibc

/// One SQLite connection and its cache of prepared statements.
/// Not thread-safe by itself: its owner (`StateStore`) is used from one thread at a time.
final class SQLiteConnection {
    let path: String
    private let db: OpaquePointer
    private var cache: [String: OpaquePointer] = [:]

    /// How a connection opens its file.
    enum Access {
        /// Read-write, creating the file (mode 0600) if absent.
        case readWrite
        /// Read-only (`mode=ro`): sees a writer's committed changes, but needs the WAL's `-shm` file to exist or be
        /// creatable.
        case readOnly
        /// Read-only and `immutable=1`: for a database in a directory nobody can write (a read-only mount), where
        /// SQLite could not create `-shm`; it then reads the file as it is, with no locking.
        case immutable
    }

    /// Opens the database at `path`. Does not create parent directories.
    init(path: String, busyTimeoutMilliseconds: Int32, access: Access = .readWrite) throws(StoreError) {
        self.path = path
        var handle: OpaquePointer?
        let rc: Int32
        switch access {
        case .readWrite:
            if path != ":memory:" { try Self.createPrivateFile(path) }
            let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
            rc = sqlite3_open_v2(path, &handle, flags, nil)
        case .readOnly, .immutable:
            let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
            let uri = "file:" + Self.uriEscaped(path) + (access == .immutable ? "?immutable=1" : "?mode=ro")
            rc = sqlite3_open_v2(uri, &handle, flags, nil)
        }
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(handle)
            throw .open(path: path, message: message)
        }
        db = handle
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    /// A path as the path part of a `file:` URI: bytes other than unreserved characters and `/` percent-encoded.
    static func uriEscaped(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isLetter || c.isNumber || "/-._~".contains(c)) {
                out.append(c)
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    deinit {
        for statement in cache.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(db)
    }

    /// Creates the file with mode 0600 before SQLite sees it; SQLite then gives its -wal and -shm files the
    /// same mode. An existing file keeps its mode (an operator may have widened it on purpose).
    private static func createPrivateFile(_ path: String) throws(StoreError) {
        do {
            Posix.closeQuietly(try Posix.open(path, O_RDWR | O_CREAT, mode: 0o600))
        } catch {
            throw .open(path: path, message: error.reason)
        }
    }

    /// Runs `body` with the cached statement for `sql`, preparing it on first use; resets it afterwards.
    /// `operation` names what is being done, for error messages.
    func withStatement<T>(_ sql: String, _ operation: String,
                          _ body: (SQLiteStatement) throws(StoreError) -> T) throws(StoreError) -> T {
        let handle: OpaquePointer
        if let cached = cache[sql] {
            handle = cached
        } else {
            var prepared: OpaquePointer?
            let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
            guard rc == SQLITE_OK, let prepared else {
                sqlite3_finalize(prepared)
                throw .sqlite(path: path, operation: operation, code: rc, message: String(cString: sqlite3_errmsg(db)))
            }
            cache[sql] = prepared
            handle = prepared
        }
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        return try body(SQLiteStatement(handle: handle, path: path, operation: operation))
    }

    /// Runs a statement that returns no rows; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ operation: String,
                 bind: (SQLiteStatement) throws(StoreError) -> Void = { _ in }) throws(StoreError) -> Int {
        try withStatement(sql, operation) { (s) throws(StoreError) -> Int in
            try bind(s)
            while try s.step() {}
            return Int(sqlite3_changes64(db))
        }
    }

    /// Runs a query and maps every row.
    func query<T>(_ sql: String, _ operation: String,
                  bind: (SQLiteStatement) throws(StoreError) -> Void = { _ in },
                  row: (SQLiteStatement) throws(StoreError) -> T) throws(StoreError) -> [T] {
        try withStatement(sql, operation) { (s) throws(StoreError) -> [T] in
            try bind(s)
            var rows: [T] = []
            while try s.step() { rows.append(try row(s)) }
            return rows
        }
    }

    /// Runs a query and maps its first row, if any.
    func queryFirst<T>(_ sql: String, _ operation: String,
                       bind: (SQLiteStatement) throws(StoreError) -> Void = { _ in },
                       row: (SQLiteStatement) throws(StoreError) -> T) throws(StoreError) -> T? {
        try withStatement(sql, operation) { (s) throws(StoreError) -> T? in
            try bind(s)
            return try s.step() ? try row(s) : nil
        }
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(db) }

    /// True when no transaction is open (SQLite's autocommit mode).
    var isAutocommit: Bool { sqlite3_get_autocommit(db) != 0 }
}
