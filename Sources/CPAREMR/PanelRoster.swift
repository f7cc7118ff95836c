import CPARCore
import Dispatch

/// Panel memberships joined with an EMR snapshot: each member's row in `snapshot.patients` (none for a patient_id
/// absent from patients.csv) and confirmation date, grouped by panel, keeping the rows' order within a panel
/// (patient_id order for rows from `StateStore.forEachMembership`).
///
/// Built once per extract run from `MembershipRows`: every patient_id is resolved exactly once (rows in
/// patients.csv order are matched by a sequential guess before any hashing), and members are then kept as two
/// `Int32`s each. Read-only afterwards and safe to share between threads.
public struct PanelRoster: Sendable {
    public let snapshot: EMRSnapshot
    /// Panel id → the range of its members in `patientIndexes` and `confirmations`.
    private let ranges: [Int64: Range<Int>]
    /// Every member's index in `snapshot.patients`, grouped by panel; -1 when patients.csv does not have it.
    public let patientIndexes: [Int32]
    /// Days since 1970-01-01, aligned with `patientIndexes`; `Int32.min` when there is no confirmation date.
    private let confirmations: [Int32]
    /// The patient_id of each member unknown to patients.csv, by position in `patientIndexes`.
    private let unknownIDs: [Int: String]
    /// The rows came in patient_id order, so each panel's members are in that order.
    private let inPatientIDOrder: Bool

    /// Joins `rows` with `snapshot`, resolving patient ids on `threads` workers.
    public init(rows: MembershipRows, snapshot: EMRSnapshot, threads: Int = 2) {
        self.snapshot = snapshot
        let n = rows.count
        let resolved = Self.resolve(rows, in: snapshot.patientIndex, threads: threads)

        // Group by panel with a stable counting sort: rows keep their (patient_id) order within a panel.
        var starts = [Int](repeating: 0, count: rows.panelIDs.count + 1)
        for s in rows.slots { starts[Int(s) + 1] += 1 }
        for s in rows.panelIDs.indices { starts[s + 1] += starts[s] }
        var next = starts
        var patients = [Int32](repeating: -1, count: n)
        var confirmations = [Int32](repeating: .min, count: n)
        var unknown: [Int: String] = [:]
        rows.arena.withUnsafeBufferPointer { arena in
            rows.ends.withUnsafeBufferPointer { ends in
                for i in 0..<n {
                    let s = Int(rows.slots[i])
                    let at = next[s]
                    next[s] = at + 1
                    patients[at] = resolved[i]
                    confirmations[at] = rows.confirmations[i]
                    if resolved[i] < 0 {
                        unknown[at] = String(decoding: rows.key(i, in: arena, ends: ends), as: UTF8.self)
                    }
                }
            }
        }
        var ranges: [Int64: Range<Int>] = [:]
        for (s, id) in rows.panelIDs.enumerated() { ranges[id] = starts[s]..<starts[s + 1] }
        self.ranges = ranges
        patientIndexes = patients
        self.confirmations = confirmations
        unknownIDs = unknown
        inPatientIDOrder = rows.inPatientIDOrder
    }

    /// Number of memberships.
    public var count: Int { patientIndexes.count }

    public func memberCount(ofPanel id: Int64) -> Int { ranges[id]?.count ?? 0 }

    /// The panel's members joined with their EMR records, last visits and input issues, in row order: positions in
    /// the snapshot's tables, nothing copied.
    public func members(ofPanel id: Int64) -> PanelMembers {
        let range = ranges[id] ?? 0..<0
        let snapshot = snapshot
        return PanelMembers(panelID: id, records: snapshot.patients, facts: snapshot.facts,
                            recordIndexes: patientIndexes[range], confirmations: confirmations[range],
                            unknownIDs: unknownIDs, inPatientIDOrder: inPatientIDOrder,
                            issuesOfRecord: { snapshot.issues(forPatientAt: $0) })
    }

    /// Each row's index in `snapshot.patients` (-1 when absent), in row order. Rows are split into `threads`
    /// ranges; within one, a row whose id is the next patient after the previous row's is matched by one byte
    /// comparison, any other by a hash lookup.
    private static func resolve(_ rows: MembershipRows, in index: PatientIndex, threads: Int) -> [Int32] {
        let n = rows.count
        return [Int32](unsafeUninitializedCapacity: n) { out, initialized in
            rows.arena.withUnsafeBufferPointer { arena in
                rows.ends.withUnsafeBufferPointer { ends in
                    let shared = Shared(arena: arena, ends: ends, out: out)
                    let workers = max(1, min(threads, n / 50_000 + 1))
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        var cursor = -1
                        for i in (n * w / workers)..<(n * (w + 1) / workers) {
                            let key = rows.key(i, in: shared.arena, ends: shared.ends)
                            let p = index.isFirst(cursor &+ 1, withKey: key) ? cursor &+ 1 : index.lookup(key)
                            if p >= 0 { cursor = p }
                            shared.out.initializeElement(at: i, to: Int32(truncatingIfNeeded: p))
                        }
                    }
                }
            }
            initialized = n
        }
    }

    /// The buffers the resolving workers share (each writes its own range of `out`).
    // @unchecked: workers only read `arena` and `ends` and write disjoint ranges of `out`, alive until they return.
    private struct Shared: @unchecked Sendable {
        let arena: UnsafeBufferPointer<UInt8>
        let ends: UnsafeBufferPointer<UInt32>
        let out: UnsafeMutableBufferPointer<Int32>
    }
}
