import Foundation
import CPARCore
import CPARStore

/// Takes submit requests into the store — `cparctl submit`, dropped spool files, the monthly timer, and SIGUSR1's
/// re-queue of Failed panels — as `SubmissionLifecycle.request` decides them, each in one transaction.
final class RequestIntake {
    let store: StateStore
    let log: Logger
    let calendar: SendCalendar
    let clock: @Sendable () -> Int64
    let random: RandomSource

    init(store: StateStore, log: Logger, calendar: SendCalendar, clock: @escaping @Sendable () -> Int64,
         random: RandomSource) {
        self.store = store
        self.log = log
        self.calendar = calendar
        self.clock = clock
        self.random = random
    }

    /// Accepts a submit request for `panel` unless it is Queued or Pending (SPEC §8). Scheduled requests are keyed
    /// by (panel, period): a second one for the same month is a no-op. `immediate` skips `manual.send_time` (the
    /// blackout still holds). A panel that is not CPAR-enabled is refused.
    func request(panel: Panel, trigger: SubmissionTrigger, period: Period?, immediate: Bool,
                 requestedBy: String?, reason: String?, requeue: Bool = false) throws -> RequestDecision {
        guard panel.cparEnabled else {
            throw SubmissionEngine.RequestRefused(
                description: "panel \(panel.label) is not CPAR-enabled (cparctl panel edit \(panel.label) --cpar)")
        }
        let now = clock()
        let nowDate = Date(timeIntervalSince1970: TimeInterval(now))
        let period = period ?? calendar.period(of: nowDate)
        let earliest = immediate ? calendar.nextSendAllowed(from: nowDate)
                                 : calendar.earliestSend(requestedAt: nowDate, trigger: trigger)
        let wanted = SubmissionRequest(panelID: panel.id, panelLabel: panel.label, period: period, trigger: trigger,
                                       requestedBy: requestedBy, reason: reason, requeue: requeue)
        let decision: RequestDecision = try store.transaction {
            let scheduled = trigger == .scheduled
                ? try store.submissions(panelID: panel.id).first(where: { $0.trigger == .scheduled && $0.period == period })
                : nil
            let decision = SubmissionLifecycle.request(wanted, latest: try store.latestSubmission(panelID: panel.id),
                                                       scheduledForPeriod: scheduled, now: now,
                                                       earliestSend: Int64(earliest.timeIntervalSince1970),
                                                       random: &random.generator)
            if case .accepted(let s) = decision { try store.insertSubmission(s) }
            return decision
        }
        CrashPoint.hit("request-committed")
        switch decision {
        case .accepted(let s):
            log.info("submission.queued", ["submission": s.id, "panel": s.panelLabel, "period": s.period,
                                           "trigger": s.trigger.rawValue, "next_attempt": s.nextAttempt.map(ISO8601.format),
                                           "requested_by": s.requestedBy])
        case .alreadyActive(let s):
            log.info("submission.request_ignored", ["panel": panel.label, "status": s.status.rawValue, "submission": s.id])
        case .alreadyScheduled(let s):
            log.info("submission.request_ignored", ["panel": panel.label, "period": period, "reason": "already scheduled",
                                                    "submission": s.id])
        }
        return decision
    }

    /// SIGUSR1: a request for every CPAR-enabled panel whose latest submission Failed, for that submission's period,
    /// sent as soon as the blackout allows. Returns how many were queued.
    func requeueFailed(requestedBy: String) throws -> Int {
        var count = 0
        for panel in try store.panels() where panel.cparEnabled {
            guard let latest = try store.latestSubmission(panelID: panel.id), latest.status == .failed else { continue }
            if case .accepted = try request(panel: panel, trigger: .manual, period: latest.period, immediate: true,
                                            requestedBy: requestedBy, reason: SubmissionView.requeueReason, requeue: true) {
                count += 1
            }
        }
        log.notice("queue.requeued", ["count": count])
        return count
    }
}
