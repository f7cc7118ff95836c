import Foundation
import CPARCore
import CPARStore
import CPARTransport

/// Works the submission queue by coordinating its parts: `RequestIntake` takes requests, `PayloadPreparation`
/// builds payloads, `Delivery` sends and polls, `PayloadPruning` deletes old payloads, and every state change goes
/// through `Transitions` (so `SubmissionLifecycle` decides it, and each is one store transaction). A pass holds
/// Queued sends during the blackout.
public final class SubmissionEngine {
    /// A request the engine refuses.
    public struct RequestRefused: Error, CustomStringConvertible {
        public var description: String
    }

    public typealias RequestResult = RequestDecision

    let calendar: SendCalendar
    let clock: @Sendable () -> Int64
    let transitions: Transitions
    let intake: RequestIntake
    let preparation: PayloadPreparation
    let delivery: Delivery
    let pruning: PayloadPruning
    let store: StateStore
    /// Asked before each send or poll: false stops the pass (SIGTERM). Set by the daemon.
    public var shouldContinue: () -> Bool = { true }
    /// Called after each send or poll, so the daemon's watchdog sees progress within a long pass.
    public var onProgress: () -> Void = {}

    public init(config: Config, store: StateStore, transport: RegistryTransport, log: Logger,
                clock: @escaping @Sendable () -> Int64 = ServiceClock.now,
                random: any RandomNumberGenerator = SystemRandomNumberGenerator()) throws {
        let calendar = try SendCalendar(config: config)
        let random = RandomSource(random)
        let transitions = Transitions(config: config, store: store, log: log, clock: clock, random: random)
        self.calendar = calendar
        self.clock = clock
        self.store = store
        self.transitions = transitions
        intake = RequestIntake(store: store, log: log, calendar: calendar, clock: clock, random: random)
        preparation = PayloadPreparation(config: config, store: store, calendar: calendar, clock: clock,
                                         transitions: transitions, log: log)
        delivery = Delivery(transport: transport, transitions: transitions)
        pruning = PayloadPruning(config: config, store: store, log: log, clock: clock)
    }

    // MARK: requests

    /// Accepts a submit request for `panel` unless it is Queued or Pending (SPEC §8); see `RequestIntake`.
    public func request(panel: Panel, trigger: SubmissionTrigger, period: Period? = nil, immediate: Bool = false,
                        requestedBy: String? = nil, reason: String? = nil) throws -> RequestResult {
        try intake.request(panel: panel, trigger: trigger, period: period, immediate: immediate,
                           requestedBy: requestedBy, reason: reason)
    }

    /// SIGUSR1: a new submission for every panel whose latest one Failed. Returns how many were queued.
    @discardableResult
    public func requeueFailed(requestedBy: String = "SIGUSR1") throws -> Int {
        try intake.requeueFailed(requestedBy: requestedBy)
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
        let nowDate = Date(timeIntervalSince1970: TimeInterval(now))
        if !sends.isEmpty && calendar.isInBlackout(nowDate) {
            let until = Int64(calendar.nextSendAllowed(from: nowDate).timeIntervalSince1970)
            for s in sends { try transitions.apply(.deferred(until: until), to: s) }
        } else {
            for s in try preparation.prepare(sends) where shouldContinue() {
                isolated(s) { try delivery.send(s) }
            }
        }
        for s in due where s.status == .pending && shouldContinue() {
            isolated(s) { try delivery.poll(s) }
        }
        return due.count
    }

    /// Deletes the payload files of submissions that finished more than `state.payload_retention` ago; history
    /// keeps their SHA-256. Returns how many were deleted.
    @discardableResult
    public func prunePayloads() throws -> Int { try pruning.prune() }

    /// One submission's step: an error is logged and the pass goes on with the others.
    private func isolated(_ s: Submission, _ step: () throws -> Void) {
        do {
            try step()
        } catch {
            transitions.log.error("submission.step_failed", ["submission": s.id, "panel": s.panelLabel, "error": "\(error)"])
        }
        onProgress()
    }
}
