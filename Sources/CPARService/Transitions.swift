import Foundation
import CPARCore
import CPARStore

/// Records submission transitions: `SubmissionLifecycle` decides the next state, this stores it in one transaction
/// — with the failure notice when it turns Failed — and logs it. Every part of the engine changes a submission's
/// state only through here.
final class Transitions {
    let config: Config
    let store: StateStore
    let log: Logger
    let policy: RetryPolicy
    let clock: @Sendable () -> Int64
    let random: RandomSource

    init(config: Config, store: StateStore, log: Logger, clock: @escaping @Sendable () -> Int64, random: RandomSource) {
        self.config = config
        self.store = store
        self.log = log
        self.policy = RetryPolicy(config: config)
        self.clock = clock
        self.random = random
    }

    /// Applies one lifecycle event in one transaction (with the failure notice, when it fails) and logs it.
    @discardableResult
    func apply(_ event: LifecycleEvent, to s: Submission) throws -> Submission {
        let now = clock()
        // A receipt or acknowledgement naming a tracking ID another submission holds contradicts this one.
        var named: String?
        switch event {
        case .posted(let t): named = t
        case .acknowledged(let ack): named = ack.trackingID
        default: break
        }
        let owner = try named.flatMap { try store.submissionID(trackingID: $0, excluding: s.id) }
        let next = try SubmissionLifecycle.resolve(event, to: s, now: now, policy: policy,
                                                   pollInterval: config.pollInterval, random: &random.generator,
                                                   trackingIDOwner: { $0 == named ? owner : nil })
        let panel = try store.panel(id: s.panelID)
        try store.transaction {
            try store.updateSubmission(next)
            if next.status == .failed, s.status != .failed, let panel, let recipient = panel.notify {
                let text = NoticeText.failure(panel: panel, site: try store.site(), submission: next)
                _ = try store.insertNotice(Notice(submissionID: next.id, recipient: recipient, subject: text.subject,
                                                  body: text.body, created: now))
            }
        }
        logTransition(event, from: s, to: next)
        return next
    }

    private func logTransition(_ event: LifecycleEvent, from old: Submission, to s: Submission) {
        switch event {
        case .payloadBuilt(_, let sha, let patients):
            log.info("submission.payload_built", ["submission": s.id, "panel": s.panelLabel, "patients": patients,
                                                  "sha256": sha])
            return
        case .deferred(let until):
            log.info("submission.deferred", ["submission": s.id, "panel": s.panelLabel, "reason": "blackout",
                                             "next_attempt": ISO8601.format(until)])
            return
        case .sending:
            log.info("submission.sending", ["submission": s.id, "panel": s.panelLabel, "attempt": s.attempts])
            return
        default:
            break
        }
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
