/// User-visible submission statuses, as in TELUS CHR. SPEC §8.
public enum SubmissionStatus: String, Sendable, CaseIterable, Codable {
    case queued = "Queued"
    case pending = "Pending"
    case submitted = "Submitted"
    case failed = "Failed"

    /// A new submit request is accepted only when the panel is in no status or in a final one.
    public var acceptsNewRequest: Bool { self == .submitted || self == .failed }
    public var isFinal: Bool { acceptsNewRequest }
}
