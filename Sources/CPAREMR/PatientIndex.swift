import Dispatch

/// `patient_id` → index in `EMRSnapshot.patients` (the first row with that ID wins).
///
/// An open-addressing hash table over the ID bytes (all keys in one byte arena), split into one partition per
/// worker so it is built in parallel. Lookups by raw bytes are what the appointments hot path uses; the String
/// subscript is for everyone else. Use it like a `[String: Int]`: `snapshot.patientIndex["P0000001"]`.
public struct PatientIndex: Sendable {
    let storage: Storage

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

    /// True when patient `i` exists, has exactly this key and is the first with it: a cheap check that lets a
    /// caller reading rows in patients.csv order guess the next index before hashing.
    @inline(always)
    func isFirst(_ i: Int, withKey key: UnsafeBufferPointer<UInt8>) -> Bool { storage.isFirst(i, withKey: key) }

    /// A key arena: every key's bytes back to back, and where each ends.
    struct Keys {
        var bytes: [UInt8] = []
        var ends: [UInt32] = []
        var count: Int { ends.count }
        mutating func append(_ key: UnsafeBufferPointer<UInt8>) {
            bytes.append(contentsOf: key)
            ends.append(UInt32(bytes.count))
        }
    }

    /// A key that repeats an earlier one: `duplicate` is ignored in favour of `first`.
    struct Duplicate { let duplicate: Int; let first: Int }

    /// Builds the index over the keys of several workers (in order: key i of part j has index
    /// sum of earlier parts' counts + i), using `threads` partitions built concurrently.
    static func build(parts: [Keys], threads: Int) -> (PatientIndex, [Duplicate]) {
        let storage = Storage(parts: parts, partitions: max(1, threads))
        let duplicates = storage.fill()
        return (PatientIndex(storage: storage), duplicates)
    }

    final class Storage: @unchecked Sendable {
        let count: Int
        private(set) var distinct = 0
        private let arena: UnsafeMutablePointer<UInt8>
        /// ends[i] = end of key i in `arena`; ends[-1] is 0 (ends points one past a leading zero).
        private let endsBase: UnsafeMutablePointer<UInt32>
        private var ends: UnsafeMutablePointer<UInt32> { endsBase + 1 }
        private let partitions: Int
        private let tableBase: UnsafeMutablePointer<Int>
        private let tableMask: UnsafeMutablePointer<Int>
        private var slots: UnsafeMutablePointer<UInt64>
        private var slotCount = 0
        /// Bit i set: key i repeats an earlier key.
        private let duplicateBits: UnsafeMutablePointer<UInt64>

        init(parts: [Keys], partitions: Int) {
            count = parts.reduce(0) { $0 + $1.count }
            let bytes = parts.reduce(0) { $0 + $1.bytes.count }
            let arena = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes))
            let endsBase = UnsafeMutablePointer<UInt32>.allocate(capacity: count + 1)
            endsBase[0] = 0
            var byteOffset = 0, keyOffset = 0
            for part in parts {
                part.bytes.withUnsafeBufferPointer { b in
                    if b.count > 0 { (arena + byteOffset).initialize(from: b.baseAddress!, count: b.count) }
                }
                for (i, end) in part.ends.enumerated() { endsBase[1 + keyOffset + i] = end + UInt32(byteOffset) }
                byteOffset += part.bytes.count
                keyOffset += part.count
            }
            self.arena = arena
            self.endsBase = endsBase
            self.partitions = partitions
            tableBase = .allocate(capacity: partitions)
            tableMask = .allocate(capacity: partitions)
            slots = .allocate(capacity: 1)
            duplicateBits = .allocate(capacity: count / 64 + 1)
            duplicateBits.initialize(repeating: 0, count: count / 64 + 1)
        }

        deinit {
            arena.deallocate()
            endsBase.deallocate()
            tableBase.deallocate()
            tableMask.deallocate()
            slots.deallocate()
            duplicateBits.deallocate()
        }

        @inline(always)
        private func key(_ i: Int) -> UnsafeBufferPointer<UInt8> {
            let start = Int(ends[i - 1]), end = Int(ends[i])
            return UnsafeBufferPointer(start: arena + start, count: end - start)
        }

        @inline(always)
        private func partition(ofTag tag: UInt64) -> Int { Int(truncatingIfNeeded: (tag &* UInt64(partitions)) >> 32) }

        /// Hashes every key, sizes and fills each partition (one per worker); returns the duplicates in index order.
        func fill() -> [Duplicate] {
            let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, count))
            defer { hashes.deallocate() }
            let workers = partitions
            let n = count
            let this = self
            let hashesAddress = UInt(bitPattern: hashes)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let h = UnsafeMutablePointer<UInt64>(bitPattern: hashesAddress)!
                for i in (n * w / workers)..<(n * (w + 1) / workers) {
                    let k = this.key(i)
                    h[i] = PatientIndex.hash(k)
                }
            }
            // Size each partition for a load factor of at most 1/2.
            var sizes = [Int](repeating: 0, count: workers)
            for i in 0..<n { sizes[partition(ofTag: hashes[i] >> 32)] += 1 }
            var base = 0
            for p in 0..<workers {
                var capacity = 16
                while capacity < sizes[p] * 2 { capacity <<= 1 }
                tableBase[p] = base
                tableMask[p] = capacity - 1
                base += capacity
            }
            slots.deallocate()
            slots = .allocate(capacity: base)
            slots.initialize(repeating: 0, count: base)
            slotCount = base
            let found = DuplicateLists(workers)
            DispatchQueue.concurrentPerform(iterations: workers) { p in
                let h = UnsafeMutablePointer<UInt64>(bitPattern: hashesAddress)!
                found.lists[p] = this.insertAll(partition: p, hashes: h)
            }
            let duplicates = found.lists.flatMap { $0 }.sorted { $0.duplicate < $1.duplicate }
            distinct = n - duplicates.count
            for d in duplicates { duplicateBits[d.duplicate >> 6] |= 1 << UInt64(d.duplicate & 63) }
            return duplicates
        }

        /// Inserts, in index order, the keys whose hash falls in partition `p`.
        private func insertAll(partition p: Int, hashes: UnsafeMutablePointer<UInt64>) -> [Duplicate] {
            var duplicates: [Duplicate] = []
            let table = slots + tableBase[p], mask = tableMask[p]
            for i in 0..<count {
                let h = hashes[i], tag = h >> 32
                guard partition(ofTag: tag) == p else { continue }
                var s = Int(truncatingIfNeeded: h) & mask
                while true {
                    let v = table[s]
                    if v == 0 {
                        table[s] = (tag << 32) | UInt64(i + 1)
                        break
                    }
                    if v >> 32 == tag {
                        let other = Int(v & 0xFFFF_FFFF) - 1
                        if CSVBytes.equal(key(other), key(i)) {
                            duplicates.append(Duplicate(duplicate: i, first: other))
                            break
                        }
                    }
                    s = (s + 1) & mask
                }
            }
            return duplicates
        }

        @inline(always)
        func isFirst(_ i: Int, withKey k: UnsafeBufferPointer<UInt8>) -> Bool {
            i >= 0 && i < count && CSVBytes.equal(key(i), k) && duplicateBits[i >> 6] & (1 << UInt64(i & 63)) == 0
        }

        @inline(always)
        func lookup(_ k: UnsafeBufferPointer<UInt8>) -> Int {
            let h = PatientIndex.hash(k), tag = h >> 32
            let p = partition(ofTag: tag)
            let table = slots + tableBase[p], mask = tableMask[p]
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

    private final class DuplicateLists: @unchecked Sendable {
        var lists: [[Duplicate]]
        init(_ n: Int) { lists = Array(repeating: [], count: n) }
    }

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
