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
    /// EMR export whose patient_ids are unique. No patient_id is compared or copied.
    public static func find(_ patients: [PatientRecord], at indexes: [Int32]) -> Set<String> {
        // Mark the members, then read their records in array order (sequential memory, not one miss each): every
        // marked record is a different patient, so a PHN value met twice is a duplicate. Values go into an
        // open-addressing set (value + 1; 0 = empty) at most half full.
        var marked = [UInt64](repeating: 0, count: patients.count / 64 + 1)
        var members = 0
        for i in indexes where i >= 0 && Int(i) < patients.count {
            let bit: UInt64 = 1 << UInt64(i & 63)
            if marked[Int(i) >> 6] & bit == 0 { members += 1 }
            marked[Int(i) >> 6] |= bit
        }
        var capacity = 16
        while capacity < 2 * members { capacity <<= 1 }
        let mask = capacity - 1, shift = UInt64(64 - capacity.trailingZeroBitCount)
        var seen = [UInt32](repeating: 0, count: capacity)
        var result = Set<String>()
        patients.withUnsafeBufferPointer { records in
            seen.withUnsafeMutableBufferPointer { seen in
                for (w, word) in marked.enumerated() {
                    var bits = word
                    while bits != 0 {
                        let i = w << 6 | bits.trailingZeroBitCount
                        bits &= bits &- 1
                        let scan = PHN.scan(records[i].phn)
                        guard scan.kind == .valid else { continue }
                        let entry = scan.value &+ 1
                        var slot = Int(truncatingIfNeeded: (UInt64(entry) &* 0x9E37_79B9_7F4A_7C15) >> shift)
                        while true {
                            if seen[slot] == 0 { seen[slot] = entry; break }
                            if seen[slot] == entry { result.insert(PHN.digits(scan.value)); break }
                            slot = (slot &+ 1) & mask
                        }
                    }
                }
            }
        }
        return result
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
}
