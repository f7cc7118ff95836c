/// Finds PHNs shared by different patients. SPEC §5 `DUPLICATE_PHN`.
public enum DuplicatePHN {
    /// Normalised PHNs held by more than one distinct patient (by `patient_id`) among `patients` — pass the
    /// records of all members of all panels. Only well-formed (9-digit) PHNs take part: an empty or malformed
    /// PHN already excludes the patient and is not compared.
    public static func find(_ patients: some Sequence<PatientRecord>) -> Set<String> {
        var keyed: [(phn: UInt32, patientID: String)] = []
        keyed.reserveCapacity(patients.underestimatedCount)
        for p in patients {
            guard case .valid(let normalized, _) = PHN.classify(p.phn),
                  let value = PHN.numericValue(normalized) else { continue }
            keyed.append((value, p.patientID))
        }
        keyed.sort { $0.phn < $1.phn }
        var result = Set<String>()
        var i = 0
        while i < keyed.count {
            var j = i + 1
            var distinct = false
            while j < keyed.count, keyed[j].phn == keyed[i].phn {
                if keyed[j].patientID != keyed[i].patientID { distinct = true }
                j += 1
            }
            if distinct { result.insert(digits(keyed[i].phn)) }
            i = j
        }
        return result
    }

    /// A 9-digit PHN value back as its zero-padded string.
    static func digits(_ value: UInt32) -> String {
        var bytes = [UInt8](repeating: 0x30, count: 9)
        var v = value
        for i in stride(from: 8, through: 0, by: -1) { bytes[i] = 0x30 + UInt8(v % 10); v /= 10 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
