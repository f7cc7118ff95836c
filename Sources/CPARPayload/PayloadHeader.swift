import CPARCore

/// What a payload carries besides the extract: the submission's identity and creation time.
public struct PayloadHeader: Sendable, Equatable {
    /// The submission ID (a UUID, either case); also the `Idempotency-Key`.
    public var submissionID: String
    public var period: Period
    /// Creation time, Unix seconds; written as UTC (`YYYY-MM-DDThh:mm:ssZ`).
    public var created: Int64

    public init(submissionID: String, period: Period, created: Int64) {
        self.submissionID = submissionID; self.period = period; self.created = created
    }
}
