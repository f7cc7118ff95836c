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
        keys.sort()
        var result = Set<String>()
        var i = 0
        while i < keys.count {
            let value = keys[i] >> 32
            let first = ids[Int(truncatingIfNeeded: keys[i] & 0xFFFF_FFFF)]
            var j = i + 1
            var distinct = false
            while j < keys.count, keys[j] >> 32 == value {
                if !distinct, ids[Int(truncatingIfNeeded: keys[j] & 0xFFFF_FFFF)] != first { distinct = true }
                j += 1
            }
            if distinct { result.insert(PHN.digits(UInt32(value))) }
            i = j
        }
        return result
    }
}
