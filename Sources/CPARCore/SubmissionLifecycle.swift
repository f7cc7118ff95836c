import Foundation

/// What happened to a submission. SPEC §7–8.
public enum LifecycleEvent: Equatable, Sendable {
    /// The registry answered the POST with 202 and a receipt.
    case posted(trackingID: String)
    /// An acknowledgement arrived (200 to the POST, or a poll).
    case acknowledged(Acknowledgement)
    /// Connection failure, timeout, 408/429/5xx: try again later. `retryAfter` is the server's `Retry-After` (s).
    case retryableFailure(String, retryAfter: Int?)
    /// Any other 4xx, TLS verification failure, unreadable response.
    case permanentFailure(String)
    /// The panel cannot be sent (SPEC §5 panel-level problems).
    case validationFailed([PanelProblem])
    /// SIGUSR1, or a new request while Failed or Submitted.
    case requeued

    var name: String {
        switch self {
        case .posted: "posted"
        case .acknowledged(let a): "acknowledgement (\(a.status.rawValue))"
        case .retryableFailure: "retryable failure"
        case .permanentFailure: "permanent failure"
        case .validationFailed: "validation failure"
        case .requeued: "re-queue"
        }
    }
}

/// The submission state machine: Queued → Pending → Submitted / Failed, with retries. Pure; the caller stores the
/// result in one transaction, and increments `attempts` itself before each POST.
public enum SubmissionLifecycle {
    /// A submit request is taken when the panel has no submission yet, or its latest is Failed or Submitted.
    public static func canRequest(current: SubmissionStatus?) -> Bool {
        current.map(\.acceptsNewRequest) ?? true
    }

    /// The submission after `e`. Error texts from outside are scrubbed (`Redaction`).
    ///
    /// `requeued` (allowed on Failed or Submitted) does not change `s`: it returns a NEW submission for the same
    /// panel and period — new id (so a new `Idempotency-Key`: the registry replays its answer to a key it has
    /// seen), trigger `manual`, Queued, `nextAttempt = now`, attempts and results cleared. Insert it; the old one
    /// stays in history as it was.
    public static func apply(_ e: LifecycleEvent, to s: Submission, now: Int64, policy: RetryPolicy,
                             pollInterval: Int, random: inout some RandomNumberGenerator) throws(LifecycleError) -> Submission {
        func invalid(_ why: String? = nil) -> LifecycleError {
            LifecycleError(submissionID: s.id, status: s.status, event: e.name, reason: why)
        }
        var next = s
        next.updated = now
        switch (s.status, e) {
        case (.queued, .posted(let trackingID)):
            guard !trackingID.isEmpty else { throw invalid("the receipt has no tracking ID") }
            next.status = .pending
            next.trackingID = trackingID
            next.nextAttempt = now.addingSaturated(seconds: pollInterval)
            next.error = nil

        case (.queued, .acknowledged(let ack)), (.pending, .acknowledged(let ack)):
            if let known = s.trackingID, !ack.trackingID.isEmpty, known != ack.trackingID {
                throw invalid("acknowledgement is for tracking ID '\(Redaction.scrub(ack.trackingID))', expected '\(known)'")
            }
            if next.trackingID == nil, !ack.trackingID.isEmpty { next.trackingID = ack.trackingID }
            switch ack.status {
            case .accepted:
                next.status = .submitted
                next.delivered = now
                next.error = nil
                next.nextAttempt = nil
            case .rejected:
                fail(&next, now: now, error: rejectionText(ack.errors))
                next.delivered = now
            case .processing:
                let since = s.firstAttempt ?? s.created
                if s.status == .pending && policy.givesUp(created: since, now: now) {
                    fail(&next, now: now, error: "no acknowledgement after \(ConfigDuration.describe(Int(now.subtractingSaturated(since))))")
                } else {
                    next.status = .pending
                    next.nextAttempt = now.addingSaturated(seconds: pollInterval)
                    next.error = nil
                }
            }

        case (.queued, .retryableFailure(let message, let retryAfter)),
             (.pending, .retryableFailure(let message, let retryAfter)):
            let since = s.firstAttempt ?? s.created
            if policy.givesUp(created: since, now: now) {
                let span = ConfigDuration.describe(Int(now.subtractingSaturated(since)))
                let attempts = s.attempts == 1 ? "1 attempt" : "\(s.attempts) attempts"
                fail(&next, now: now, error: "gave up after \(attempts) over \(span): " + message)
            } else {
                let delay = policy.delay(afterAttempt: max(1, s.attempts), retryAfter: retryAfter, random: &random)
                next.nextAttempt = now.addingSaturated(seconds: delay)
                next.error = Redaction.scrub(message)
            }

        case (.queued, .permanentFailure(let message)), (.pending, .permanentFailure(let message)):
            fail(&next, now: now, error: message)

        case (.queued, .validationFailed(let problems)):
            let codes = problems.isEmpty ? "none reported" : problems.map(\.rawValue).joined(separator: ", ")
            fail(&next, now: now, error: "panel problems: " + codes)

        case (.failed, .requeued), (.submitted, .requeued):
            return Submission(id: uuid(&random), panelID: s.panelID, panelLabel: s.panelLabel, period: s.period,
                              trigger: .manual, status: .queued, created: now, updated: now, nextAttempt: now,
                              requestedBy: s.requestedBy, reason: s.reason)

        default:
            throw invalid()
        }
        return next
    }

    /// Failed. `delivered` stays unset unless the registry answered (a rejection sets it).
    private static func fail(_ s: inout Submission, now: Int64, error: String) {
        s.status = .failed
        s.nextAttempt = nil
        s.error = Redaction.scrub(error)
    }

    /// The registry's error codes only: its messages may quote patient data (names, birth dates), which must
    /// never reach history, logs or notices.
    static func rejectionText(_ errors: [Acknowledgement.RegistryError]) -> String {
        guard !errors.isEmpty else { return "registry rejected: no reason given" }
        return "registry rejected: " + errors.map(\.code).joined(separator: ", ")
    }

    /// A version-4 UUID drawn from `random` (reproducible with a seeded generator).
    public static func uuid(_ random: inout some RandomNumberGenerator) -> String {
        let a = random.next(), b = random.next()
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            raw[6] = (raw[6] & 0x0F) | 0x40
            raw[8] = (raw[8] & 0x3F) | 0x80
        }
        return UUID(uuid: bytes).uuidString
    }
}

/// A transition the lifecycle does not allow, or an event that contradicts the submission.
public struct LifecycleError: Error, Equatable, Sendable, CustomStringConvertible {
    public var submissionID: String
    public var status: SubmissionStatus
    public var event: String
    public var reason: String?

    public init(submissionID: String, status: SubmissionStatus, event: String, reason: String? = nil) {
        self.submissionID = submissionID; self.status = status; self.event = event; self.reason = reason
    }

    public var description: String {
        "submission \(submissionID): cannot apply \(event) while \(status.rawValue)" + (reason.map { ": \($0)" } ?? "")
    }
}
