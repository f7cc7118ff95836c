import CSQLite

/// Extended result codes the store maps to its own errors (sqlite3.h defines them as macros Swift cannot import).
enum SQLiteCode {
    static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)
    static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
}
