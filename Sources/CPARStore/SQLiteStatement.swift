import CPARCore
import CSQLite

/// A cached prepared statement, borrowed for one use (see `SQLiteConnection.withStatement`).
/// Parameters are 1-based, columns 0-based, as in SQLite.
struct SQLiteStatement {
    let handle: OpaquePointer
    let path: String
    let operation: String

    func error(_ code: Int32) -> StoreError {
        let db = sqlite3_db_handle(handle)
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        return .sqlite(path: path, operation: operation, code: code, message: message)
    }

    private func check(_ rc: Int32) throws(StoreError) {
        if rc != SQLITE_OK { throw error(rc) }
    }

    // MARK: binding

    func bind(_ i: Int32, _ value: Int64?) throws(StoreError) {
        guard let value else { return try check(sqlite3_bind_null(handle, i)) }
        try check(sqlite3_bind_int64(handle, i, value))
    }

    func bind(_ i: Int32, _ value: Int?) throws(StoreError) { try bind(i, value.map(Int64.init)) }

    func bind(_ i: Int32, _ value: Bool) throws(StoreError) { try bind(i, Int64(value ? 1 : 0)) }

    func bind(_ i: Int32, _ value: String?) throws(StoreError) {
        guard var value else { return try check(sqlite3_bind_null(handle, i)) }
        // An empty string's buffer may have no address, which SQLite would bind as NULL.
        if value.isEmpty { return try check(CSQLite_bind_text(handle, i, "", 0)) }
        let rc = value.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                CSQLite_bind_text(handle, i, chars.baseAddress, Int32(chars.count))
            }
        }
        try check(rc)
    }

    /// Dates are stored as `YYYY-MM-DD` (formatted without allocating: this is on the bulk-assign path).
    func bind(_ i: Int32, _ value: CivilDate?) throws(StoreError) {
        guard let value else { return try check(sqlite3_bind_null(handle, i)) }
        let (y, m, d) = value.components
        guard (1000...9999).contains(y) else { return try bind(i, value.description) }
        let rc = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 10) { b -> Int32 in
            func put(_ at: Int, _ v: Int, _ width: Int) {
                var v = v
                for k in stride(from: at + width - 1, through: at, by: -1) {
                    b[k] = CChar(48 + v % 10)
                    v /= 10
                }
            }
            put(0, y, 4)
            b[4] = 45
            put(5, m, 2)
            b[7] = 45
            put(8, d, 2)
            return CSQLite_bind_text(handle, i, b.baseAddress, 10)
        }
        try check(rc)
    }

    // MARK: stepping

    /// Steps once: true when a row is available, false when done.
    func step() throws(StoreError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw error(rc)
        }
    }

    /// Makes the statement ready to run again with new bindings (the bulk-insert loop).
    func reset() {
        sqlite3_reset(handle)
    }

    // MARK: columns

    func isNull(_ c: Int32) -> Bool { sqlite3_column_type(handle, c) == SQLITE_NULL }

    func int64(_ c: Int32) -> Int64 { sqlite3_column_int64(handle, c) }

    func int(_ c: Int32) -> Int { Int(sqlite3_column_int64(handle, c)) }

    func bool(_ c: Int32) -> Bool { sqlite3_column_int64(handle, c) != 0 }

    func optionalInt64(_ c: Int32) -> Int64? { isNull(c) ? nil : int64(c) }

    func optionalInt(_ c: Int32) -> Int? { isNull(c) ? nil : int(c) }

    func text(_ c: Int32) -> String {
        guard let p = sqlite3_column_text(handle, c) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, c))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    func optionalText(_ c: Int32) -> String? { isNull(c) ? nil : text(c) }

    /// A `YYYY-MM-DD` column, or nil when NULL.
    func optionalDate(_ c: Int32, table: String, column: String) throws(StoreError) -> CivilDate? {
        // NULL gives a null pointer (one call instead of asking for the type first: a million times per extract).
        guard let p = sqlite3_column_text(handle, c) else { return nil }
        let n = Int(sqlite3_column_bytes(handle, c))
        guard let date = CivilDate(isoBytes: UnsafeBufferPointer(start: p, count: n)) else {
            throw .invalidValue(table: table, column: column)
        }
        return date
    }
}
