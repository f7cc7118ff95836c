import Foundation

/// What happened to a submission. SPEC §7–8.
public enum LifecycleEvent: Equatable, Sendable {
    /// The payload was built: every attempt posts this file (same bytes, same `Idempotency-Key`).
    case payloadBuilt(path: String, sha256: String, patients: Int)
    /// The blackout holds it: nothing is sent before `until`.
    case deferred(until: Int64)
    /// A POST is about to be made: the attempt is counted (and committed) before it.
    case sending
    /// The registry answered the POST with 202 and a receipt.
    case posted(trackingID: String)
    /// An acknowledgement arrived (200 to the POST, or a poll).
    case acknowledged(Acknowledgement)
    /// Connection failure, timeout, 408/429/5xx, or an I/O error while preparing the payload (disk full, an
    /// unreadable export): try again later. `retryAfter` is the server's `Retry-After` (s).
    case retryableFailure(String, retryAfter: Int?)
    /// Any other 4xx, TLS verification failure, unreadable response.
    case permanentFailure(String)
    /// The panel cannot be sent (SPEC §5 panel-level problems).
    case validationFailed([PanelProblem])

    var name: String {
        switch self {
        case .payloadBuilt: "payload built"
        case .deferred: "deferral"
        case .sending: "sending"
        case .posted: "posted"
        case .acknowledged(let a): "acknowledgement (\(a.status.rawValue))"
        case .retryableFailure: "retryable failure"
        case .permanentFailure: "permanent failure"
        case .validationFailed: "validation failure"
        }
    }
}

/// A request for a new submission of a panel: `cparctl submit`, a dropped spool file, the monthly timer, or a
/// re-queue of a Failed panel (SIGUSR1) — all the same rule.
public struct SubmissionRequest: Equatable, Sendable {
    public var panelID: Int64
    public var panelLabel: String
    public var period: Period
    public var trigger: SubmissionTrigger
    public var requestedBy: String?
    public var reason: String?
    /// A re-queue of a Failed panel (SIGUSR1), kept on the submission.
    public var requeue: Bool

    public init(panelID: Int64, panelLabel: String, period: Period, trigger: SubmissionTrigger,
                requestedBy: String? = nil, reason: String? = nil, requeue: Bool = false) {
        self.panelID = panelID; self.panelLabel = panelLabel; self.period = period; self.trigger = trigger
        self.requestedBy = requestedBy; self.reason = reason; self.requeue = requeue
    }
}

/// What a request comes to. SPEC §8.
public enum RequestDecision: Equatable, Sendable {
    /// A new Queued submission: insert it.
    case accepted(Submission)
    /// The panel is Queued or Pending: a no-op.
    case alreadyActive(Submission)
    /// A scheduled run for this (panel, period) exists already: a no-op.
    case alreadyScheduled(Submission)
}

/// The submission state machine, and the only place its rules live: requests (re-queue included), Queued →
/// Pending → Submitted / Failed, with retries, deferrals and attempts. Pure; the caller stores the result in one
/// transaction.
public enum SubmissionLifecycle {
    /// A submit request is taken when the panel has no submission yet, or its latest is Failed or Submitted.
    public static func canRequest(current: SubmissionStatus?) -> Bool {
        current.map(\.acceptsNewRequest) ?? true
    }

    /// Decides a request. `latest` is the panel's latest submission, `scheduledForPeriod` an existing scheduled
    /// submission of the panel for `request.period` (scheduled requests are keyed by (panel, period)),
    /// `earliestSend` when the calendar lets it go (blackout, `manual.send_time`).
    ///
    /// A new submission — first, again after Submitted, or a re-queue after Failed — always gets a NEW id (so a new
    /// `Idempotency-Key`: the registry replays its answer to a key it has seen), drawn from `random`; the old one
    /// stays in history as it was. `requestedBy` and `reason` are kept only as `Redaction.freeText` leaves them.
    public static func request(_ request: SubmissionRequest, latest: Submission?, scheduledForPeriod: Submission?,
                               now: Int64, earliestSend: Int64,
                               random: inout some RandomNumberGenerator) -> RequestDecision {
        if request.trigger == .scheduled, let done = scheduledForPeriod { return .alreadyScheduled(done) }
        if let latest, !canRequest(current: latest.status) { return .alreadyActive(latest) }
        return .accepted(Submission(id: uuid(&random), panelID: request.panelID, panelLabel: request.panelLabel,
                                    period: request.period, trigger: request.trigger, status: .queued, created: now,
                                    updated: now, nextAttempt: earliestSend,
                                    requestedBy: Redaction.freeText(request.requestedBy),
                                    reason: Redaction.freeText(request.reason), requeued: request.requeue))
    }

    /// The transition the product applies: `apply`, except that a registry answer contradicting the submission
    /// (a receipt without a tracking ID, an acknowledgement for another tracking ID, a tracking ID that belongs to
    /// another submission) fails it at once — retrying cannot help. A transition the lifecycle does not allow
    /// still throws.
    public static func resolve(_ e: LifecycleEvent, to s: Submission, now: Int64, policy: RetryPolicy,
                               pollInterval: Int, random: inout some RandomNumberGenerator,
                               trackingIDOwner: (String) -> String? = { _ in nil }) throws(LifecycleError) -> Submission {
        do throws(LifecycleError) {
            return try apply(e, to: s, now: now, policy: policy, pollInterval: pollInterval, random: &random,
                             trackingIDOwner: trackingIDOwner)
        } catch where error.isContradiction {
            return try apply(.permanentFailure("unusable registry answer: \(error.reason ?? error.event)"), to: s,
                             now: now, policy: policy, pollInterval: pollInterval, random: &random)
        }
    }

    /// The submission after `e`. Error texts from outside are scrubbed (`Redaction`). `trackingIDOwner` answers
    /// which submission already holds a tracking ID, if any: a receipt or acknowledgement naming another
    /// submission's tracking ID contradicts this one.
    public static func apply(_ e: LifecycleEvent, to s: Submission, now: Int64, policy: RetryPolicy,
                             pollInterval: Int, random: inout some RandomNumberGenerator,
                             trackingIDOwner: (String) -> String? = { _ in nil }) throws(LifecycleError) -> Submission {
        func invalid(_ why: String? = nil) -> LifecycleError {
            LifecycleError(submissionID: s.id, status: s.status, event: e.name, reason: why)
        }
        func contradiction(_ why: String) -> LifecycleError {
            LifecycleError(submissionID: s.id, status: s.status, event: e.name, reason: why, isContradiction: true)
        }
        func checkOwner(_ trackingID: String) throws(LifecycleError) {
            if let owner = trackingIDOwner(trackingID), owner != s.id {
                throw contradiction("tracking ID '\(Redaction.scrub(trackingID))' belongs to submission \(owner)")
            }
        }
        var next = s
        next.updated = now
        switch (s.status, e) {
        case (.queued, .payloadBuilt(let path, let sha256, let patients)):
            next.payloadPath = path
            next.payloadSHA256 = sha256
            next.patients = patients

        case (.queued, .deferred(let until)):
            next.nextAttempt = until

        case (.queued, .sending):
            next.attempts += 1
            if next.firstAttempt == nil { next.firstAttempt = now }

        case (.queued, .posted(let trackingID)):
            guard !trackingID.isEmpty else { throw contradiction("the receipt has no tracking ID") }
            try checkOwner(trackingID)
            next.status = .pending
            next.trackingID = trackingID
            next.nextAttempt = now.addingSaturated(seconds: pollInterval)
            next.error = nil

        case (.queued, .acknowledged(let ack)), (.pending, .acknowledged(let ack)):
            if let known = s.trackingID, !ack.trackingID.isEmpty, known != ack.trackingID {
                throw contradiction("acknowledgement is for tracking ID '\(Redaction.scrub(ack.trackingID))', expected '\(known)'")
            }
            if !ack.trackingID.isEmpty { try checkOwner(ack.trackingID) }
            if next.trackingID == nil, !ack.trackingID.isEmpty { next.trackingID = ack.trackingID }
            switch ack.status {
            case .accepted:
                next.status = .submitted
                next.delivered = now
                next.error = nil
                next.nextAttempt = nil
            case .rejected:
                fail(&next, now: now, error: rejectionText(ack))
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
    /// never reach history, logs or notices. A code outside the registry's code syntax is dropped, and counted.
    static func rejectionText(_ ack: Acknowledgement) -> String {
        let (kept, dropped) = Redaction.registryCodes(ack.errors.map(\.code))
        let droppedTotal = dropped + ack.droppedErrors
        var parts = kept
        if droppedTotal > 0 {
            parts.append(droppedTotal == 1 ? "1 code withheld (not in the registry's code syntax)"
                                           : "\(droppedTotal) codes withheld (not in the registry's code syntax)")
        }
        guard !parts.isEmpty else { return "registry rejected: no reason given" }
        return "registry rejected: " + parts.joined(separator: ", ")
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
        return UUID(uuid: bytes).uuidString.lowercased()
    }
}

/// A transition the lifecycle does not allow, or an event that contradicts the submission.
public struct LifecycleError: Error, Equatable, Sendable, CustomStringConvertible {
    public var submissionID: String
    public var status: SubmissionStatus
    public var event: String
    public var reason: String?
    /// The event is a registry answer that contradicts the submission (not a misuse of the lifecycle):
    /// `resolve` fails the submission for it.
    public var isContradiction: Bool

    public init(submissionID: String, status: SubmissionStatus, event: String, reason: String? = nil,
                isContradiction: Bool = false) {
        self.submissionID = submissionID; self.status = status; self.event = event; self.reason = reason
        self.isContradiction = isContradiction
    }

    public var description: String {
        "submission \(submissionID): cannot apply \(event) while \(status.rawValue)" + (reason.map { ": \($0)" } ?? "")
    }
}
