import CBytes
import CPARCore
import Dispatch

/// `patient_id` → index in `EMRSnapshot.patients` (the first row with that ID wins).
///
/// An open-addressing hash table over the ID bytes (all keys in one byte arena), split into one partition per
/// worker so it is built in parallel. Lookups by raw bytes are what the appointments hot path uses; the String
/// subscript is for everyone else. Use it like a `[String: Int]`: `snapshot.patientIndex["P0000001"]`.
public struct PatientIndex: Sendable {
    let storage: Storage

    /// An index over `patients`' IDs (the first of equal IDs wins), for snapshots built in memory (e.g. in tests).
    public init(patients: [PatientRecord]) { self.init(patients: PatientTable(patients)) }

    /// The same over a table of records.
    public init(patients: PatientTable) { self = PatientIndex.build(patients: patients, threads: 1).0 }

    init(storage: Storage) { self.storage = storage }

    /// Number of distinct patient IDs.
    public var count: Int { storage.distinct }

    /// The index of the first patient with this exact `patient_id`, if any.
    public subscript(patientID: String) -> Int? {
        var id = patientID
        let i = id.withUTF8 { storage.lookup($0) }
        return i < 0 ? nil : i
    }

    public func contains(_ patientID: String) -> Bool { self[patientID] != nil }

    /// -1 when absent.
    @inline(always)
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int { storage.lookup(key) }

    /// Resolves the keys of `batch` into `batch.found` (-1 when absent).
    func lookup(_ batch: LookupBatch, count: Int) { storage.lookup(batch, count: count) }

    /// True when patient `i` exists, has exactly this key and is the first with it: a cheap check that lets a
    /// caller reading rows in patients.csv order guess the next index before hashing.
    @inline(always)
    func isFirst(_ i: Int, withKey key: UnsafeBufferPointer<UInt8>) -> Bool { storage.isFirst(i, withKey: key) }

    /// A key that repeats an earlier one: `duplicate` is ignored in favour of `first`.
    struct Duplicate { let duplicate: Int; let first: Int }

    /// Builds the index over the patients' IDs with `threads` partitions filled concurrently.
    static func build(patients: PatientTable, threads: Int) -> (PatientIndex, [Duplicate]) {
        let storage = Storage(patients: patients, partitions: max(1, threads))
        let duplicates = storage.fill()
        return (PatientIndex(storage: storage), duplicates)
    }

    // @unchecked: read-only once `fill` returns (before it is shared); during `fill` worker p writes only tables[p], masks[p].
    final class Storage: @unchecked Sendable {
        let count: Int
        private(set) var distinct = 0
        /// Every key's bytes back to back.
        private let arena: UnsafeMutablePointer<UInt8>
        private let arenaBytes: Int
        /// endsBase[i + 1] = end of key i in `arena`; endsBase[0] = 0.
        private let endsBase: UnsafeMutablePointer<UInt32>
        private let partitions: Int
        /// One open-addressing table per partition; a slot is (hash tag << 32) | (index + 1), 0 when empty.
        private let tables: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
        private let masks: UnsafeMutablePointer<Int>
        /// Bit i set: key i repeats an earlier key.
        private let duplicateBits: UnsafeMutablePointer<UInt64>
        /// Every key's hash, computed once while the keys are copied; only during `fill`.
        private var hashes: UnsafeMutablePointer<UInt64>?

        init(patients: PatientTable, partitions: Int) {
            count = patients.count
            let n = count
            let endsBase = LargeBuffer.allocate(UInt32.self, count: n + 1)
            endsBase[0] = 0
            // Each partition's keys are measured (their lengths stored at their ends' places), then, once the
            // partitions' offsets are known, copied into the arena and hashed, the lengths becoming ends.
            let ends = Lengths(ends: endsBase)
            let totals = Parallel.map(partitions) { w -> Int in
                var total = 0
                for i in (n * w / partitions)..<(n * (w + 1) / partitions) {
                    let length = patients.record(at: i).pointee.patientID.utf8.count
                    total += length
                    ends.ends[i + 1] = UInt32(truncatingIfNeeded: length)
                }
                return total
            }
            var offsets = [0]
            for t in totals { offsets.append(offsets[offsets.count - 1] + t) }
            let starts = offsets, total = offsets[offsets.count - 1]
            precondition(total <= Int(UInt32.max), "patient ids exceed 4 GiB")
            let arena = LargeBuffer.allocate(UInt8.self, count: total)
            arenaBytes = total
            let hashes = LargeBuffer.allocate(UInt64.self, count: n)
            let shared = Addresses(arena: arena, ends: endsBase, hashes: hashes)
            DispatchQueue.concurrentPerform(iterations: partitions) { w in
                var end = starts[w]
                for i in (n * w / partitions)..<(n * (w + 1) / partitions) {
                    let start = end
                    end += Int(shared.ends[i + 1])
                    shared.ends[i + 1] = UInt32(truncatingIfNeeded: end)
                    var id = patients.record(at: i).pointee.patientID
                    id.withUTF8 { b in
                        if b.count > 0 { (shared.arena + start).initialize(from: b.baseAddress!, count: b.count) }
                        shared.hashes[i] = PatientIndex.hash(b)
                    }
                }
            }
            self.hashes = hashes
            self.arena = arena
            self.endsBase = endsBase
            self.partitions = partitions
            tables = .allocate(capacity: partitions)
            tables.initialize(repeating: nil, count: partitions)
            masks = .allocate(capacity: partitions)
            masks.initialize(repeating: 0, count: partitions)
            duplicateBits = .allocate(capacity: count / 64 + 1)
            duplicateBits.initialize(repeating: 0, count: count / 64 + 1)
        }

        deinit {
            LargeBuffer.deallocate(arena, count: arenaBytes)
            LargeBuffer.deallocate(endsBase, count: count + 1)
            if let hashes { LargeBuffer.deallocate(hashes, count: count) }
            for p in 0..<partitions { if let t = tables[p] { LargeBuffer.deallocate(t, count: masks[p] + 1) } }
            tables.deallocate()
            masks.deallocate()
            duplicateBits.deallocate()
        }

        @inline(always)
        private func key(_ i: Int) -> UnsafeBufferPointer<UInt8> {
            let start = Int(endsBase[i]), end = Int(endsBase[i + 1])
            return UnsafeBufferPointer(start: arena + start, count: end - start)
        }

        @inline(always)
        private func partition(ofTag tag: UInt64) -> Int { Int(truncatingIfNeeded: (tag &* UInt64(partitions)) >> 32) }

        /// Fills each partition on its own worker (counting its keys, sizing its table for a load factor of at
        /// most 1/2, inserting in index order); returns the duplicates in index order.
        func fill() -> [Duplicate] {
            let duplicates = Parallel.map(partitions) { fillPartition($0) }.flatMap { $0 }.sorted { $0.duplicate < $1.duplicate }
            if let hashes { LargeBuffer.deallocate(hashes, count: count) }
            hashes = nil
            distinct = count - duplicates.count
            for d in duplicates { duplicateBits[d.duplicate >> 6] |= 1 << UInt64(d.duplicate & 63) }
            return duplicates
        }

        private func fillPartition(_ p: Int) -> [Duplicate] {
            guard let hashes else { return [] }
            var members = 0
            for i in 0..<count where partition(ofTag: hashes[i] >> 32) == p { members += 1 }
            var capacity = 16
            while capacity < members * 2 { capacity <<= 1 }
            let table = LargeBuffer.allocate(UInt64.self, count: capacity)
            tables[p] = table
            masks[p] = capacity - 1
            let mask = capacity - 1
            var duplicates: [Duplicate] = []
            func insert(_ k: Int) {
                let h = hashes[k], tag = h >> 32
                var s = Int(truncatingIfNeeded: h) & mask
                while true {
                    let v = table[s]
                    if v == 0 {
                        table[s] = (tag << 32) | UInt64(k + 1)
                        return
                    }
                    if v >> 32 == tag {
                        let other = Int(v & 0xFFFF_FFFF) - 1
                        if CSVBytes.equal(key(other), key(k)) {
                            duplicates.append(Duplicate(duplicate: k, first: other))
                            return
                        }
                    }
                    s = (s + 1) & mask
                }
            }
            // Keys go in in index order (the first of equal keys wins). Each key's home slot is prefetched when
            // the key is met and the key is inserted `ahead` keys later, so the cache misses of the scattered
            // slots overlap with the inserts instead of coming one after another.
            let ahead = 32  // a power of two
            var waiting = [Int](repeating: 0, count: ahead)
            var met = 0
            for i in 0..<count {
                let h = hashes[i]
                guard partition(ofTag: h >> 32) == p else { continue }
                CBytes_prefetch(table + (Int(truncatingIfNeeded: h) & mask))
                if met >= ahead { insert(waiting[met & (ahead - 1)]) }
                waiting[met & (ahead - 1)] = i
                met += 1
            }
            for m in max(0, met - ahead)..<met { insert(waiting[m & (ahead - 1)]) }
            return duplicates
        }

        @inline(always)
        func isFirst(_ i: Int, withKey k: UnsafeBufferPointer<UInt8>) -> Bool {
            i >= 0 && i < count && CSVBytes.equal(key(i), k) && duplicateBits[i >> 6] & (1 << UInt64(i & 63)) == 0
        }

        /// Looks up `batch.count` keys at once: each phase's memory accesses are independent across keys, so
        /// their cache misses overlap instead of queueing one after another.
        func lookup(_ batch: LookupBatch, count m: Int) {
            let found = batch.found, hashes = batch.hashes
            for j in 0..<m {
                let h = PatientIndex.hash(batch.key(j)), tag = h >> 32
                hashes[j] = h
                let p = partition(ofTag: tag)
                guard let table = tables[p] else { found[j] = -1; continue }  // nil only before `fill`
                let v = table[Int(truncatingIfNeeded: h) & masks[p]]
                found[j] = v == 0 ? -1 : v >> 32 == tag ? Int(v & 0xFFFF_FFFF) - 1 : -2
            }
            for j in 0..<m where found[j] >= 0 && !CSVBytes.equal(key(found[j]), batch.key(j)) { found[j] = -2 }
            for j in 0..<m where found[j] == -2 { found[j] = lookup(batch.key(j)) }
        }

        @inline(always)
        func lookup(_ k: UnsafeBufferPointer<UInt8>) -> Int {
            let h = PatientIndex.hash(k), tag = h >> 32
            let p = partition(ofTag: tag)
            guard let table = tables[p] else { return -1 }  // nil only before `fill`
            let mask = masks[p]
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let v = table[s]
                if v == 0 { return -1 }
                if v >> 32 == tag {
                    let i = Int(v & 0xFFFF_FFFF) - 1
                    if CSVBytes.equal(key(i), k) { return i }
                }
                s = (s + 1) & mask
            }
        }
    }

    // @unchecked: each worker reads and writes only its own partition's range of `ends` (entries i + 1 of its keys),
    // `hashes` and `arena` (its keys' bytes, from its start offset); all outlive `concurrentPerform`.
    private final class Addresses: @unchecked Sendable {
        let arena: UnsafeMutablePointer<UInt8>
        let ends: UnsafeMutablePointer<UInt32>
        let hashes: UnsafeMutablePointer<UInt64>
        init(arena: UnsafeMutablePointer<UInt8>, ends: UnsafeMutablePointer<UInt32>, hashes: UnsafeMutablePointer<UInt64>) {
            self.arena = arena; self.ends = ends; self.hashes = hashes
        }
    }

    /// The key lengths the partitions measure first, each its own range (entries i + 1 of its keys).
    // @unchecked: as `Addresses`: disjoint ranges, alive until `Parallel.map` returns.
    private struct Lengths: @unchecked Sendable { let ends: UnsafeMutablePointer<UInt32> }

    /// A fast 64-bit hash of a short byte string (8 bytes per step, then a final mix).
    @inline(always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = key.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: count &+ 1)
        guard let p = key.baseAddress else { return h }
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i &+ 8 <= count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i &+= 8
        }
        if i < count {
            var w: UInt64 = 0, shift: UInt64 = 0
            while i < count {
                w |= UInt64(p[i]) << shift
                shift &+= 8
                i &+= 1
            }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
        }
        h ^= h >> 32
        h &*= 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        return h
    }
}
