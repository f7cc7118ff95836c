/// What started a submission.
public enum SubmissionTrigger: String, Sendable, Codable {
    case manual, scheduled
}

/// One submission of one panel for one period, as kept in history. Times are Unix seconds (UTC).
public struct Submission: Equatable, Sendable {
    /// UUID; also the `Idempotency-Key` on every attempt.
    public var id: String
    public var panelID: Int64
    /// The panel's label (number or name) when the submission was made.
    public var panelLabel: String
    public var period: Period
    public var trigger: SubmissionTrigger
    public var status: SubmissionStatus
    public var created: Int64
    public var updated: Int64
    /// When the next send or poll is due (Queued: send; Pending: poll).
    public var nextAttempt: Int64?
    /// POST attempts made so far.
    public var attempts: Int
    /// When the registry acknowledged it: accepted (Submitted) or rejected (Failed). Unset for a submission that
    /// failed without an answer from the registry.
    public var delivered: Int64?
    public var patients: Int?
    /// Brief error shown with Failed (or the last retryable error while Queued).
    public var error: String?
    public var trackingID: String?
    public var payloadSHA256: String?
    /// The payload file, once built (kept so every retry posts the same bytes).
    public var payloadPath: String?
    public var requestedBy: String?
    public var reason: String?
    /// When the first POST was made; `retry.max_lifetime` counts from here.
    public var firstAttempt: Int64?
    /// A re-queue of a Failed panel (SIGUSR1): history's trigger reads "re-queue". Stored, never inferred from
    /// `reason` (which a person may type).
    public var requeued: Bool

    public init(id: String, panelID: Int64, panelLabel: String, period: Period, trigger: SubmissionTrigger,
                status: SubmissionStatus = .queued, created: Int64, updated: Int64? = nil, nextAttempt: Int64? = nil,
                attempts: Int = 0, delivered: Int64? = nil, patients: Int? = nil, error: String? = nil,
                trackingID: String? = nil, payloadSHA256: String? = nil, payloadPath: String? = nil,
                requestedBy: String? = nil, reason: String? = nil, firstAttempt: Int64? = nil, requeued: Bool = false) {
        self.id = id; self.panelID = panelID; self.panelLabel = panelLabel; self.period = period
        self.trigger = trigger; self.status = status; self.created = created; self.updated = updated ?? created
        self.nextAttempt = nextAttempt; self.attempts = attempts; self.delivered = delivered
        self.patients = patients; self.error = error; self.trackingID = trackingID
        self.payloadSHA256 = payloadSHA256; self.payloadPath = payloadPath
        self.requestedBy = requestedBy; self.reason = reason; self.firstAttempt = firstAttempt
        self.requeued = requeued
    }
}

/// A failure notice waiting for (or done with) delivery. One per transition to Failed.
public struct Notice: Equatable, Sendable {
    public var id: Int64
    public var submissionID: String
    public var recipient: String
    public var subject: String
    public var body: String
    public var created: Int64
    public var maildirDelivered: Bool
    public var smtpDelivered: Bool
    public var attempts: Int
    public var nextAttempt: Int64
    public var lastError: String?

    public init(id: Int64 = 0, submissionID: String, recipient: String, subject: String, body: String, created: Int64,
                maildirDelivered: Bool = false, smtpDelivered: Bool = false, attempts: Int = 0,
                nextAttempt: Int64? = nil, lastError: String? = nil) {
        self.id = id; self.submissionID = submissionID; self.recipient = recipient; self.subject = subject
        self.body = body; self.created = created; self.maildirDelivered = maildirDelivered
        self.smtpDelivered = smtpDelivered; self.attempts = attempts; self.nextAttempt = nextAttempt ?? created
        self.lastError = lastError
    }
}

/// The registry's acknowledgement of a submission. SPEC §7.
public struct Acknowledgement: Equatable, Sendable {
    public enum Status: String, Sendable { case accepted, rejected, processing }
    public struct RegistryError: Equatable, Sendable {
        public var code: String
        public var message: String
        public init(code: String, message: String) { self.code = code; self.message = message }
    }
    public var status: Status
    public var trackingID: String
    /// The errors whose code has the registry's code syntax (`Redaction.registryCode`).
    public var errors: [RegistryError]
    /// How many `Error` elements were dropped: a code outside the syntax, or more than the parser keeps.
    public var droppedErrors: Int
    public init(status: Status, trackingID: String, errors: [RegistryError] = [], droppedErrors: Int = 0) {
        self.status = status; self.trackingID = trackingID; self.errors = errors; self.droppedErrors = droppedErrors
    }
}
