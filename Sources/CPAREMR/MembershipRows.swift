import CPARCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Panel memberships as the state store hands them over — patient_id bytes, panel id, confirmation date — kept
/// compact (every ID in one byte arena, panels as small slot numbers) until `PanelRoster` joins them with an EMR
/// snapshot. Appending costs no `String` and no per-row allocation, so it can run straight off a database cursor
/// while the EMR files load. Rows in patient_id order (as `StateStore.forEachMembership` gives them) join fastest.
public struct MembershipRows: Sendable {
    /// Every patient_id's bytes, back to back.
    private(set) var arena: [UInt8] = []
    /// ends[i] = end of row i's patient_id in `arena` (it starts at ends[i - 1], or 0).
    private(set) var ends: [UInt32] = []
    /// Row i's panel, as an index into `panelIDs`.
    private(set) var slots: [Int32] = []
    /// Days since 1970-01-01; `Int32.min` when there is no confirmation date.
    private(set) var confirmations: [Int32] = []
    /// True while every row's patient_id is byte-wise ≥ the previous row's (as `StateStore.forEachMembership` gives
    /// them): then each panel's members are in patient_id order, and findings need no sorting.
    public private(set) var inPatientIDOrder = true
    /// The distinct panel ids, in order of first appearance.
    private(set) var panelIDs: [Int64] = []
    private var slotOfPanel: [Int64: Int32] = [:]
    /// `slotOfPanel` for the small panel ids a store hands out (1, 2, 3, …): slot + 1, or 0 for not yet seen.
    private var slotOfSmallID: [Int32] = []

    public init(expectedCount: Int = 0) {
        arena.reserveCapacity(expectedCount * 8)
        ends.reserveCapacity(expectedCount)
        slots.reserveCapacity(expectedCount)
        confirmations.reserveCapacity(expectedCount)
    }

    public init(_ memberships: some Sequence<Membership>) {
        self.init(expectedCount: memberships.underestimatedCount)
        for m in memberships { append(m) }
    }

    public var count: Int { ends.count }

    public mutating func append(patientID: UnsafeBufferPointer<UInt8>, panelID: Int64, confirmationDate: CivilDate?) {
        if inPatientIDOrder && !ends.isEmpty {
            let start = ends.count > 1 ? Int(ends[ends.count - 2]) : 0
            inPatientIDOrder = arena.withUnsafeBufferPointer { arena in
                !Self.bytesPrecede(patientID, UnsafeBufferPointer(rebasing: arena[start...]))
            }
        }
        arena.append(contentsOf: patientID)
        precondition(arena.count <= Int(UInt32.max), "membership patient ids exceed 4 GiB")
        ends.append(UInt32(truncatingIfNeeded: arena.count))
        slots.append(slot(of: panelID))
        confirmations.append(confirmationDate?.daysSinceEpoch ?? .min)
    }

    public mutating func append(_ m: Membership) {
        var id = m.patientID
        id.withUTF8 { append(patientID: $0, panelID: m.panelID, confirmationDate: m.confirmationDate) }
    }

    @inline(__always)
    private mutating func slot(of panelID: Int64) -> Int32 {
        if panelID >= 0 && panelID < Int64(slotOfSmallID.count) {
            let s = slotOfSmallID[Int(panelID)]
            if s > 0 { return s - 1 }
        }
        return newSlot(of: panelID)
    }

    private mutating func newSlot(of panelID: Int64) -> Int32 {
        if let s = slotOfPanel[panelID] { return s }
        let s = Int32(panelIDs.count)
        panelIDs.append(panelID)
        slotOfPanel[panelID] = s
        if panelID >= 0 && panelID < Self.smallIDs {
            if Int(panelID) >= slotOfSmallID.count {
                let grown = max(Int(panelID) + 1, 2 * slotOfSmallID.count)
                slotOfSmallID += repeatElement(0, count: grown - slotOfSmallID.count)
            }
            slotOfSmallID[Int(panelID)] = s + 1
        }
        return s
    }

    /// Byte order (memcmp, then the shorter first): SQLite's BINARY collation, the store's `ORDER BY patient_id`.
    @inline(__always)
    private static func bytesPrecede(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let order = memcmp(pa, pb, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }

    /// Panel ids below this are looked up by position instead of hashing.
    private static let smallIDs: Int64 = 1 << 16

    /// Row i's patient_id bytes; valid while `arena` is not mutated.
    @inline(__always)
    func key(_ i: Int, in arena: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<UInt32>) -> UnsafeBufferPointer<UInt8> {
        let start = i == 0 ? 0 : Int(ends[i - 1]), end = Int(ends[i])
        return UnsafeBufferPointer(rebasing: arena[start..<end])
    }
}
