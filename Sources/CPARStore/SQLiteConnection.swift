import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One SQLite connection and its cache of prepared statements.
/// Not thread-safe by itself: its owner (`StateStore`) is used from one thread at a time.
final class SQLiteConnection {
    let path: String
    private let db: OpaquePointer
    private var cache: [String: OpaquePointer] = [:]

    /// Opens (creating with mode 0600 if absent) the database at `path`. Does not create parent directories.
    init(path: String, busyTimeoutMilliseconds: Int32) throws(StoreError) {
        self.path = path
        if path != ":memory:" { try Self.createPrivateFile(path) }
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(handle)
            throw .open(path: path, message: message)
        }
        db = handle
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit {
        for statement in cache.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(db)
    }

    /// Creates the file with mode 0600 before SQLite sees it; SQLite then gives its -wal and -shm files the
    /// same mode. An existing file keeps its mode (an operator may have widened it on purpose).
    private static func createPrivateFile(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(0o600))
        guard fd >= 0 else {
            let code = errno
            throw .open(path: path, message: String(cString: strerror(code)))
        }
        close(fd)
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
