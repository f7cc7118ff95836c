/// Finds PHNs shared by different patients. SPEC §5 `DUPLICATE_PHN`.
public enum DuplicatePHN {
    /// Normalised PHNs held by more than one distinct patient (by `patient_id`) among `patients` — pass the
    /// records of all members of all panels. Only well-formed (9-digit) PHNs take part: an empty or malformed
    /// PHN already excludes the patient and is not compared.
    public static func find(_ patients: some Sequence<PatientRecord>) -> Set<String> {
        // One pass: pack (PHN value, ordinal) into a UInt64 and sort; equal PHNs end up adjacent.
        var keys: [UInt64] = []
        var ids: [String] = []
        keys.reserveCapacity(patients.underestimatedCount)
        ids.reserveCapacity(patients.underestimatedCount)
        for p in patients {
            let scan = PHN.scan(p.phn)
            guard scan.kind == .valid else { continue }
            keys.append(UInt64(scan.value) << 32 | UInt64(ids.count))
            ids.append(p.patientID)
        }
        return shared(sortedKeys: keys.sorted()) { ids[$0] != ids[$1] }
    }

    /// The same over `patients[i]` for every i in `indexes` (negative entries are skipped), where equal indexes
    /// are the same patient and different ones are different patients: the members of all panels joined with an
    /// EMR export whose patient_ids are unique. No patient_id is compared or copied. `threads` workers read the PHNs.
    public static func find(_ patients: [PatientRecord], at indexes: [Int32], threads: Int = 1) -> Set<String> {
        let facts = PatientFacts.table(PatientTable(patients), lastVisitDays: [Int32](repeating: .min, count: patients.count))
        return find(facts, at: indexes, threads: threads)
    }

    /// The same over the records' facts (what the extract has at hand).
    public static func find(_ facts: [PatientFacts], at indexes: [Int32], threads: Int = 1) -> Set<String> {
        // Mark the members, then read their facts in array order (sequential memory, not one miss each): every
        // marked record is a different patient, so a PHN value met twice is a duplicate.
        var marked = [UInt64](repeating: 0, count: facts.count / 64 + 1)
        for i in indexes where i >= 0 && Int(i) < facts.count { marked[Int(i) >> 6] |= 1 << UInt64(i & 63) }
        let words = marked.count, slices = max(1, min(threads, words / 1024 + 1))
        let parts = facts.withUnsafeBufferPointer { facts in
            marked.withUnsafeBufferPointer { marked in
                let shared = SharedFacts(facts: facts, marked: marked)
                return Parallel.map(slices) { s in shared.validPHNs(words: words * s / slices..<words * (s + 1) / slices) }
            }
        }
        var values = parts.flatMap { $0 }
        PHNRadixSort.sort(&values)
        var result = Set<String>()
        var i = 1
        while i < values.count {
            if values[i] == values[i - 1] {
                result.insert(PHN.digits(values[i]))
                while i < values.count && values[i] == values[i - 1] { i += 1 }
            }
            i += 1
        }
        return result
    }

    /// The facts and the member bit set, read by the workers.
    // @unchecked: only read, and only while the caller's `withUnsafeBufferPointer` keeps both buffers alive.
    private struct SharedFacts: @unchecked Sendable {
        let facts: UnsafeBufferPointer<PatientFacts>
        let marked: UnsafeBufferPointer<UInt64>

        /// The 9-digit values of the well-formed PHNs of the members marked in `words`.
        func validPHNs(words: Range<Int>) -> [UInt32] {
            var values: [UInt32] = []
            values.reserveCapacity(words.count * 64)
            for w in words {
                var bits = marked[w]
                while bits != 0 {
                    let i = w << 6 | bits.trailingZeroBitCount
                    bits &= bits &- 1
                    if facts[i].hasValidPHN { values.append(facts[i].phnValue) }
                }
            }
            return values
        }
    }

    /// PHNs of runs of equal PHN values (the high 32 bits of sorted `keys`) holding two different patients;
    /// `differ(a, b)` tells whether the patients of two keys' low 32 bits differ.
    private static func shared(sortedKeys keys: [UInt64], differ: (Int, Int) -> Bool) -> Set<String> {
        var result = Set<String>()
        var i = 0
        while i < keys.count {
            let value = keys[i] >> 32
            var j = i + 1
            var distinct = false
            while j < keys.count, keys[j] >> 32 == value {
                if !distinct, differ(Int(truncatingIfNeeded: keys[i] & 0xFFFF_FFFF),
                                     Int(truncatingIfNeeded: keys[j] & 0xFFFF_FFFF)) { distinct = true }
                j += 1
            }
            if distinct { result.insert(PHN.digits(UInt32(value))) }
            i = j
        }
        return result
    }

    /// PHNs as sorted 9-digit values: membership without hashing a string. Entries that are not 9 ASCII digits
    /// match nothing (a normalised PHN always is).
    public struct Values: Sendable {
        private let sorted: [UInt32]
        /// Bit `slot(v)` set for every value v: most PHNs are not duplicates, and one bit test turns them away
        /// without the binary search's unpredictable branches. About 32 bits a value (≈3% false hits), so that it
        /// stays in cache: a 512 KB filter measured slower than the search, every test a cache miss.
        private let filter: [UInt64]
        private let shift: UInt32

        public init(_ phns: Set<String>) {
            sorted = phns.compactMap(PHN.numericValue).sorted()
            var bits = 12
            while bits < 24 && (1 << bits) < sorted.count * 32 { bits += 1 }
            shift = UInt32(32 - bits)
            var filter = [UInt64](repeating: 0, count: 1 << (bits - 6))
            for v in sorted { let s = Self.slot(v, shift); filter[s >> 6] |= 1 << UInt64(s & 63) }
            self.filter = filter
        }

        public var isEmpty: Bool { sorted.isEmpty }

        @inline(__always)
        private static func slot(_ value: UInt32, _ shift: UInt32) -> Int { Int((value &* 0x9E37_79B1) >> shift) }

        @inline(__always)
        public func contains(_ value: UInt32) -> Bool {
            if sorted.isEmpty { return false }
            let s = Self.slot(value, shift)
            if filter[s >> 6] & (1 << UInt64(s & 63)) == 0 { return false }
            var low = 0, high = sorted.count
            while low < high {
                let mid = (low + high) >> 1
                if sorted[mid] < value { low = mid + 1 } else { high = mid }
            }
            return low < sorted.count && sorted[low] == value
        }
    }
}
