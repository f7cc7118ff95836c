import Foundation
import CPARCore
import CPARStore
import CPARPayload
import CPARTransport

/// A concrete generator wrapping any other, so the engine can take a seeded one in tests.
public struct AnyRandom: RandomNumberGenerator {
    var base: any RandomNumberGenerator
    public mutating func next() -> UInt64 { base.next() }
}

/// Moves submissions through Queued → Pending → Submitted / Failed. Every transition is one store transaction;
/// the attempt counter is committed before each POST, and every attempt of a submission posts the same payload file
/// with the same Idempotency-Key, so a crash at any point loses nothing and never sends under a different key.
public final class SubmissionEngine {
    /// A request the engine refuses.
    public struct RequestRefused: Error, CustomStringConvertible {
        public var description: String
    }

    public enum RequestResult: Equatable {
        case accepted(Submission)
        /// The panel is Queued or Pending: a no-op.
        case alreadyActive(Submission)
        /// A scheduled run for this (panel, period) exists already: a no-op.
        case alreadyScheduled(Submission)
    }

    let config: Config
    let store: StateStore
    let transport: RegistryTransport
    let log: Logger
    let calendar: SendCalendar
    let policy: RetryPolicy
    let clock: @Sendable () -> Int64
    var random: AnyRandom
    /// Asked before each send or poll: false stops the pass (SIGTERM). Set by the daemon.
    public var shouldContinue: () -> Bool = { true }
    /// Called after each send or poll, so the daemon's watchdog sees progress within a long pass.
    public var onProgress: () -> Void = {}

    public init(config: Config, store: StateStore, transport: RegistryTransport, log: Logger,
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                random: any RandomNumberGenerator = SystemRandomNumberGenerator()) throws {
        self.config = config
        self.store = store
        self.transport = transport
        self.log = log
        self.calendar = try SendCalendar(config: config)
        self.policy = RetryPolicy(minBackoff: config.minBackoff, maxBackoff: config.maxBackoff, maxLifetime: config.maxLifetime)
        self.clock = clock
        self.random = AnyRandom(base: random)
    }

    var payloadDir: String { config.stateDir + "/payloads" }

    // MARK: requests

    /// Accepts a submit request for `panel` unless it is Queued or Pending (SPEC §8). Scheduled requests are keyed
    /// by (panel, period): a second one for the same month is a no-op. `immediate` skips `manual.send_time` (the
    /// blackout still holds). A panel that is not CPAR-enabled is refused.
    public func request(panel: Panel, trigger: SubmissionTrigger, period: Period? = nil, immediate: Bool = false,
                        requestedBy: String? = nil, reason: String? = nil) throws -> RequestResult {
        guard panel.cparEnabled else {
            throw RequestRefused(description: "panel \(panel.label) is not CPAR-enabled (cparctl panel edit \(panel.label) --cpar)")
        }
        let now = clock()
        let nowDate = Date(timeIntervalSince1970: TimeInterval(now))
        let period = period ?? calendar.period(of: nowDate)
        let result: RequestResult = try store.transaction {
            if trigger == .scheduled,
               let done = try store.submissions(panelID: panel.id).first(where: { $0.trigger == .scheduled && $0.period == period }) {
                return .alreadyScheduled(done)
            }
            if let latest = try store.latestSubmission(panelID: panel.id), !SubmissionLifecycle.canRequest(current: latest.status) {
                return .alreadyActive(latest)
            }
            let earliest = immediate ? calendar.nextSendAllowed(from: nowDate)
                                     : calendar.earliestSend(requestedAt: nowDate, trigger: trigger)
            let due = Int64(earliest.timeIntervalSince1970)
            let s = Submission(id: UUID().uuidString.lowercased(), panelID: panel.id, panelLabel: panel.label,
                               period: period, trigger: trigger, created: now, nextAttempt: due,
                               requestedBy: requestedBy, reason: reason)
            try store.insertSubmission(s)
            return .accepted(s)
        }
        CrashPoint.hit("request-committed")
        switch result {
        case .accepted(let s):
            log.info("submission.queued", ["submission": s.id, "panel": s.panelLabel, "period": s.period,
                                           "trigger": s.trigger.rawValue, "next_attempt": s.nextAttempt.map(ISO8601.format),
                                           "requested_by": requestedBy])
        case .alreadyActive(let s):
            log.info("submission.request_ignored", ["panel": panel.label, "status": s.status.rawValue, "submission": s.id])
        case .alreadyScheduled(let s):
            log.info("submission.request_ignored", ["panel": panel.label, "period": period, "reason": "already scheduled", "submission": s.id])
        }
        return result
    }

    /// SIGUSR1: a new submission for every panel whose latest one Failed. Returns how many were queued.
    @discardableResult
    public func requeueFailed(requestedBy: String = "SIGUSR1") throws -> Int {
        var count = 0
        for panel in try store.panels() where panel.cparEnabled {
            guard let latest = try store.latestSubmission(panelID: panel.id), latest.status == .failed else { continue }
            if case .accepted = try request(panel: panel, trigger: .manual, period: latest.period, immediate: true,
                                            requestedBy: requestedBy, reason: "re-queued after failure") {
                count += 1
            }
        }
        log.notice("queue.requeued", ["count": count])
        return count
    }

    // MARK: the pass

    /// Sends what is due and polls what is Pending and due (a fresh receipt is polled at once, in `send`).
    /// `pollAllPending` polls every Pending submission whatever its next poll time: `cpard --once` is an explicit
    /// pass, and a poll is a harmless GET. Returns the number of submissions worked.
    @discardableResult
    public func workDue(pollAllPending: Bool = false) throws -> Int {
        let now = clock()
        var due = try store.dueSubmissions(now: now)
        if pollAllPending {
            let ids = Set(due.map(\.id))
            due += try store.submissions(status: .pending).filter { !ids.contains($0.id) }
        }
        let sends = due.filter { $0.status == .queued }
        if !sends.isEmpty && calendar.isInBlackout(Date(timeIntervalSince1970: TimeInterval(now))) {
            try deferForBlackout(sends, now: now)
        } else {
            for s in try preparePayloads(sends) where shouldContinue() {
                isolated(s) { try send(s) }
            }
        }
        for s in due where s.status == .pending && shouldContinue() {
            isolated(s) { try poll(s) }
        }
        return due.count
    }

    /// One submission's step: an error is logged and the pass goes on with the others.
    private func isolated(_ s: Submission, _ step: () throws -> Void) {
        do {
            try step()
        } catch {
            log.error("submission.step_failed", ["submission": s.id, "panel": s.panelLabel, "error": "\(error)"])
        }
        onProgress()
    }

    /// Deletes the payload files of submissions that finished more than `state.payload_retention` ago; history
    /// keeps their SHA-256. Returns how many were deleted.
    @discardableResult
    public func prunePayloads() throws -> Int {
        let cutoff = clock() - Int64(config.payloadRetention)
        var pruned = 0
        for status in [SubmissionStatus.submitted, .failed] {
            for var s in try store.submissions(status: status) where s.payloadPath != nil && (s.delivered ?? s.updated) < cutoff {
                unlink(s.payloadPath!)
                s.payloadPath = nil
                try store.updateSubmission(s)
                pruned += 1
            }
        }
        if pruned > 0 { log.info("payload.pruned", ["count": pruned]) }
        return pruned
    }

    func deferForBlackout(_ submissions: [Submission], now: Int64) throws {
        let until = Int64(calendar.nextSendAllowed(from: Date(timeIntervalSince1970: TimeInterval(now))).timeIntervalSince1970)
        for var s in submissions {
            s.nextAttempt = until
            s.updated = now
            try store.updateSubmission(s)
            log.info("submission.deferred", ["submission": s.id, "panel": s.panelLabel, "reason": "blackout",
                                             "next_attempt": ISO8601.format(until)])
        }
    }

    /// Builds the payload of every submission that has none yet, from one read of the EMR files. Submissions whose
    /// panel fails validation become Failed (with a notice); the rest are returned ready to send.
    func preparePayloads(_ submissions: [Submission]) throws -> [Submission] {
        var ready = submissions.filter { s in s.payloadPath.map { FileManager.default.fileExists(atPath: $0) } ?? false }
        let needed = submissions.filter { s in !ready.contains(where: { $0.id == s.id }) }
        guard !needed.isEmpty else { return ready }
        try FileManager.default.createDirectory(atPath: payloadDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var panels: [Panel] = []
        var byPanel: [Int64: Submission] = [:]
        for s in needed {
            guard let panel = try store.panel(id: s.panelID) else {
                try apply(.permanentFailure("the panel was deleted"), to: s)
                continue
            }
            panels.append(panel)
            byPanel[panel.id] = s
        }
        let asOf = calendar.civilDate(of: Date(timeIntervalSince1970: TimeInterval(clock())))
        let source: ExtractSource
        do {
            source = try ExtractSource.load(config: config, store: store, asOf: asOf)
        } catch {
            // The EMR export may be fixed or finished later: retry with backoff, the error shown in status.
            for s in byPanel.values {
                try apply(.retryableFailure("cannot read the EMR data: \(error)", retryAfter: nil), to: s)
            }
            return ready
        }
        let dir = payloadDir
        let submissionsByPanel = byPanel
        let results = source.forEach(panels, policy: config.validation) { extract -> (PanelExtract?, String?, Int) in
            let s = submissionsByPanel[extract.panel.id]!
            guard extract.isSubmittable else { return (extract, nil, 0) }
            let path = dir + "/" + s.id + ".xml"
            let header = PayloadHeader(submissionID: s.id, period: s.period, created: s.created)
            let written = try PayloadWriter.write(extract, header: header, to: path)
            return (nil, written.sha256, extract.patients.count)
        }
        for (panel, result) in zip(panels, results) {
            var s = byPanel[panel.id]!
            switch result {
            case .success((let failedExtract?, _, _)):
                s.patients = failedExtract.patients.count
                try apply(.validationFailed(failedExtract.problems), to: s)
            case .success((nil, let sha, let count)):
                s.payloadPath = dir + "/" + s.id + ".xml"
                s.payloadSHA256 = sha
                s.patients = count
                s.updated = clock()
                try store.updateSubmission(s)
                log.info("submission.payload_built", ["submission": s.id, "panel": s.panelLabel, "patients": count,
                                                      "sha256": sha])
                CrashPoint.hit("payload-built")
                ready.append(s)
            case .failure(let error):
                log.error("submission.payload_failed", ["submission": s.id, "panel": s.panelLabel, "error": "\(error)"])
                try apply(.permanentFailure("could not build the payload: \(error)"), to: s)
            }
        }
        return ready
    }

    /// Posts the payload once: the attempt is committed first, then the outcome.
    func send(_ submission: Submission) throws {
        var s = submission
        s.attempts += 1
        s.updated = clock()
        if s.firstAttempt == nil { s.firstAttempt = s.updated }
        try store.updateSubmission(s)
        log.info("submission.sending", ["submission": s.id, "panel": s.panelLabel, "attempt": s.attempts])
        CrashPoint.hit("attempt-committed")
        let result = transport.submit(payloadPath: s.payloadPath!, idempotencyKey: s.id)
        CrashPoint.hit("post-returned")
        let after = try apply(event(for: result), to: s)
        CrashPoint.hit("post-applied")
        if after.status == .pending { try poll(after) }
    }

    func poll(_ submission: Submission) throws {
        guard let tracking = submission.trackingID else { return }
        let result = transport.poll(trackingID: tracking)
        CrashPoint.hit("poll-returned")
        try apply(event(for: result), to: submission)
    }

    func event(for result: RegistryResult) -> LifecycleEvent {
        switch result {
        case .receipt(let tracking): .posted(trackingID: tracking)
        case .acknowledged(let ack): .acknowledged(ack)
        case .retryable(let reason, let retryAfter): .retryableFailure(Redaction.scrub(reason), retryAfter: retryAfter)
        case .permanent(let reason): .permanentFailure(Redaction.scrub(reason))
        }
    }

    /// Applies one lifecycle event in one transaction (with the failure notice, when it fails) and logs it.
    @discardableResult
    func apply(_ event: LifecycleEvent, to s: Submission) throws -> Submission {
        let now = clock()
        let next: Submission
        do {
            next = try SubmissionLifecycle.apply(event, to: s, now: now, policy: policy,
                                                 pollInterval: config.pollInterval, random: &random)
        } catch {
            // E.g. an acknowledgement for another tracking ID: retrying cannot help.
            next = try SubmissionLifecycle.apply(.permanentFailure("unusable registry answer: \(error.reason ?? error.event)"),
                                                 to: s, now: now, policy: policy, pollInterval: config.pollInterval,
                                                 random: &random)
        }
        let panel = try store.panel(id: s.panelID)
        try store.transaction {
            try store.updateSubmission(next)
            if next.status == .failed, s.status != .failed, let recipient = panel?.notify {
                let text = NoticeText.failure(panel: panel!, site: try store.site(), submission: next)
                _ = try store.insertNotice(Notice(submissionID: next.id, recipient: recipient, subject: text.subject,
                                                  body: text.body, created: now))
            }
        }
        logTransition(from: s, to: next)
        return next
    }

    func logTransition(from old: Submission, to s: Submission) {
        let fields: KeyValuePairs<String, Any?> = [
            "submission": s.id, "panel": s.panelLabel, "period": s.period, "status": s.status.rawValue,
            "attempts": s.attempts, "tracking_id": s.trackingID, "error": s.error,
            "next_attempt": s.nextAttempt.map(ISO8601.format),
        ]
        switch s.status {
        case .submitted: log.notice("submission.submitted", fields)
        case .failed: log.error("submission.failed", fields)
        case .pending where old.status == .pending: log.debug("submission.processing", fields)
        case .pending: log.info("submission.pending", fields)
        case .queued: log.warning("submission.retry", fields)
        }
    }
}
