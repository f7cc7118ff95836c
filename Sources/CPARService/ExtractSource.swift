import Foundation
import CPARCore
import CPAREMR
import CPARStore
import Synchronization

/// Everything one extract run reads — the EMR snapshot and the store's panels and memberships — joined so that
/// any panel's `PanelExtract` can be built from it. Built once per run; read-only afterwards.
public struct ExtractSource: Sendable {
    public let site: Site?
    public let asOf: CivilDate
    public let snapshot: EMRSnapshot
    private let roster: PanelRoster
    private let duplicatePHNs: DuplicatePHN.Values

    /// Loads the EMR files (on `threads` workers) while the memberships stream out of the store, then joins them.
    public static func load(config: Config, store: StateStore, asOf: CivilDate, threads: Int = 2) throws -> ExtractSource {
        let emr = BackgroundResult { try EMRLoader.load(dataDir: config.emrDataDir, asOf: asOf, threads: threads) }
        let site = try store.site()
        var rows = MembershipRows(expectedCount: store.membershipCountBound())
        try store.forEachMembership { id, panelID, confirmed in
            rows.append(patientID: id, panelID: panelID, confirmationDate: confirmed)
        }
        let snapshot = try emr.wait()
        let roster = PanelRoster(rows: rows, snapshot: snapshot, threads: threads)
        return ExtractSource(site: site, asOf: asOf, snapshot: snapshot, roster: roster,
                             duplicatePHNs: DuplicatePHN.Values(DuplicatePHN.find(snapshot.facts, at: roster.patientIndexes,
                                                                                  threads: threads)))
    }

    public func memberCount(of panel: Panel) -> Int { roster.memberCount(ofPanel: panel.id) }

    /// The panel's members joined with their EMR records and last visits, in patient_id order.
    public func members(of panel: Panel) -> PanelMembers { roster.members(ofPanel: panel.id) }

    public func extract(_ panel: Panel, policy: ValidationPolicy) -> PanelExtract {
        PanelValidator.validate(panel: panel, site: site, members: members(of: panel), providers: snapshot.providers,
                                duplicatePHNs: duplicatePHNs, asOf: asOf, policy: policy)
    }

    /// Builds each panel's extract and hands it to `body` on `threads` threads at once; results keep `panels` order.
    /// Each extract is dropped once `body` returns, so memory holds only the panels in flight: at most
    /// `membersInFlight` members between them (a larger panel runs alone). `threads` may exceed the cores (each is a
    /// thread of its own): then a `body` that waits, e.g. for an fsync, leaves its core to another.
    public func forEach<T: Sendable>(_ panels: [Panel], policy: ValidationPolicy, threads: Int = 2,
                                     membersInFlight: Int = ExtractSource.membersInFlight,
                                     _ body: @Sendable (PanelExtract) throws -> T) -> [Result<T, Error>] {
        let results = ResultSlots<T>(count: panels.count)
        let next = AtomicCounter()
        let budget = MemberBudget(max(1, membersInFlight))
        withoutActuallyEscaping(body) { body in
            runOnThreads(max(1, min(threads, panels.count))) {
                while true {
                    let i = next.increment()
                    guard i < panels.count else { return }
                    let held = budget.acquire(memberCount(of: panels[i]))
                    results[i] = Result { try body(extract(panels[i], policy: policy)) }
                    budget.release(held)
                }
            }
        }
        return results.values
    }

    /// A panel in flight holds a few hundred bytes per member (its joined members, its valid patients, its payload
    /// buffers): 2^18 members is about 65 MB. Typical panels (a few thousand) never wait; a few huge ones take turns
    /// instead of adding up.
    public static let membersInFlight = 1 << 18
}

/// Runs `work` on `count` threads (this one and `count - 1` new ones) and returns once every new thread has ended,
/// so `work` is no longer referenced anywhere (which `withoutActuallyEscaping` checks). Fewer threads run if the
/// system refuses to create more; `work` must cope (the callers' workers share one queue of panels).
private func runOnThreads(_ count: Int, _ work: @escaping @Sendable () -> Void) {
    final class Work {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
    var threads: [pthread_t] = []
    for _ in 1..<max(1, count) {
        let context = Unmanaged.passRetained(Work(work)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        if created == 0 {
            threads.append(thread)
        } else {
            Unmanaged<Work>.fromOpaque(context).release()
        }
    }
    work()
    for thread in threads { pthread_join(thread, nil) }
}

/// Members of the panels in flight (`ExtractSource.forEach`): `acquire` waits until the panel fits.
// @unchecked: `available` is read and written only while `condition` is locked.
final class MemberBudget: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var available: Int

    init(_ capacity: Int) { self.capacity = capacity; available = capacity }

    /// Takes `members` (at most the whole budget, so any panel can run) and returns what was taken.
    func acquire(_ members: Int) -> Int {
        let take = min(members, capacity)
        condition.lock()
        defer { condition.unlock() }
        while available < take { condition.wait() }
        available -= take
        return take
    }

    func release(_ taken: Int) {
        condition.lock()
        available += taken
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs a throwing closure on a background thread; `wait()` returns its value or rethrows.
// @unchecked: `result` is written once before `done.signal()` and read only after `done.wait()`.
final class BackgroundResult<T: Sendable>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread { [self] in
            result = Result { try work() }
            done.signal()
        }
    }

    func wait() throws -> T {
        done.wait()
        return try result!.get()
    }
}

final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)
    /// The value before this increment.
    func increment() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

// @unchecked: `slots` is read and written only under `lock` (an NSLock, which the thread sanitizer sees).
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    subscript(i: Int) -> Result<T, Error>? {
        get { lock.withLock { slots[i] } }
        set { lock.withLock { slots[i] = newValue } }
    }
    var values: [Result<T, Error>] { lock.withLock { slots.map { $0! } } }
}
