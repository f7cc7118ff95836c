/// The codes of a §14 worklist item: `CONFLICT` for a conflict report row, the `MISMATCH_*` codes of the fields a
/// demographic mismatch report disagrees on, or `MISMATCH_UNSPECIFIED` when the EMR agrees with the report.
public enum WorklistCode: String, Sendable, CaseIterable, Comparable {
    case conflict = "CONFLICT"
    case familyName = "MISMATCH_FAMILY_NAME"
    case givenName = "MISMATCH_GIVEN_NAME"
    case dob = "MISMATCH_DOB"
    case gender = "MISMATCH_GENDER"
    case phn = "MISMATCH_PHN"
    case unspecified = "MISMATCH_UNSPECIFIED"

    /// Order of listing: the order of the cases.
    public static func < (a: WorklistCode, b: WorklistCode) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The panel administrator's words, and what to do.
    public var meaning: String {
        switch self {
        case .conflict: return "also on another provider's panel — confirm with the patient which panel they belong to"
        case .familyName: return "family name differs from the provincial registry — check the EMR against the patient's card"
        case .givenName: return "given name differs from the provincial registry — check the EMR against the patient's card"
        case .dob: return "birth date differs from the provincial registry — check the EMR against the patient's card"
        case .gender: return "gender differs from the provincial registry — check the EMR against the patient's card"
        case .phn: return "the registry knows this patient under another PHN/ULI — check the PHN in the EMR"
        case .unspecified: return "reported as a mismatch, but the EMR agrees with the report — ask CPAR which field"
        }
    }
}

/// How a worklist item was closed.
public enum WorklistOutcome: String, Sendable, CaseIterable {
    case kept, removed, corrected, other
    /// Closed by the import of a newer report that no longer lists it.
    case cleared
}
