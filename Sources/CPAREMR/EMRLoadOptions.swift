/// Tuning (and test hooks) for `EMRLoader.load`.
public struct EMRLoadOptions: Sendable {
    /// Workers for `patients.csv` and `appointments.csv` (and partitions of the patient index).
    public var threads: Int
    /// The window each worker reads through (mapped from the file, `FileWindow`), in bytes.
    public var bufferSize: Int
    /// Longest record accepted, in bytes (must be less than `bufferSize`); see `CSVRecordProblem`.
    public var maxRecordBytes: Int
    /// Most issues kept in `EMRSnapshot.issues` (all are counted in `issueCount`).
    public var maxIssues: Int
    /// Test hook: nominal split offsets per file name (`patients.csv`, `appointments.csv`), one per worker after the
    /// first, overriding the even split of `threads`.
    public var splitOffsets: [String: [Int]]

    public init(threads: Int = 2, bufferSize: Int = 1 << 20, maxRecordBytes: Int = 256 << 10,
                maxIssues: Int = 10_000, splitOffsets: [String: [Int]] = [:]) {
        self.threads = max(1, threads)
        self.bufferSize = max(16, bufferSize)
        self.maxRecordBytes = max(1, min(maxRecordBytes, self.bufferSize - 1))
        self.maxIssues = maxIssues
        self.splitOffsets = splitOffsets
    }
}
