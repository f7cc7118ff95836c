/// A connection's SQLite settings, as reported by SQLite itself.
public struct StoreDiagnostics: Equatable, Sendable {
    /// `wal` when WAL is active.
    public var journalMode: String
    /// 2 = FULL.
    public var synchronous: Int
    public var foreignKeys: Bool
    public var busyTimeoutMilliseconds: Int
    /// The size a WAL file is truncated to after a checkpoint.
    public var journalSizeLimitBytes: Int
    /// `PRAGMA user_version`: the schema version.
    public var userVersion: Int
}
