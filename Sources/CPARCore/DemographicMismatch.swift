/// Comparing a Demographic Mismatch report row with the EMR's record (SPEC §14), field by field. Only the codes
/// leave this type: the registry's values are compared in memory and never kept.
public enum DemographicMismatch {
    /// What a report row says about a patient; nil where the report has no such column or an empty cell.
    public struct Reported: Sendable {
        public var familyName: String?
        public var givenName: String?
        public var birthDate: CivilDate?
        /// `.some(nil)`: the report says the gender is unknown (`U`).
        public var gender: Gender??
        public init(familyName: String? = nil, givenName: String? = nil, birthDate: CivilDate? = nil,
                    gender: Gender?? = nil) {
            self.familyName = familyName; self.givenName = givenName; self.birthDate = birthDate; self.gender = gender
        }
    }

    /// The codes of the fields that differ; `MISMATCH_PHN` when the row was matched by demographics because no
    /// patient has its PHN (`matchedByPHN == false`); `[MISMATCH_UNSPECIFIED]` when everything compared agrees.
    public static func codes(reported: Reported, emr: PatientRecord, matchedByPHN: Bool = true) -> [WorklistCode] {
        var codes: [WorklistCode] = []
        if let name = reported.familyName, !sameName(name, emr.familyName) { codes.append(.familyName) }
        if let name = reported.givenName, !sameName(name, emr.givenName) { codes.append(.givenName) }
        if let dob = reported.birthDate, dob != emr.dob { codes.append(.dob) }
        if let gender = reported.gender, gender != emr.gender { codes.append(.gender) }
        if !matchedByPHN { codes.append(.phn) }
        return codes.isEmpty ? [.unspecified] : codes
    }

    /// Names agree when they are the same letters and digits, ignoring case, accents, spaces and punctuation (the
    /// registry writes `O'NEIL, SIOBHAN` for the EMR's `O'Neil, Siobhán`).
    public static func sameName(_ a: String, _ b: String) -> Bool { nameKey(a) == nameKey(b) }

    /// The comparable form of a name: lower case, accents removed, only letters and digits.
    public static func nameKey(_ name: String) -> String {
        var out = String.UnicodeScalarView()
        for s in name.lowercased().decomposedScalars where s.properties.isAlphabetic || s.properties.numericType != nil {
            // Combining marks (accents) are alphabetic in Unicode's eyes; drop them.
            if s.properties.generalCategory == .nonspacingMark { continue }
            out.append(s)
        }
        return String(out)
    }

    /// Report genders: `M`/`Male`, `F`/`Female`, `X`, `U`/`Unknown` (any case). `.none` for anything else.
    public static func gender(_ text: String) -> Gender?? {
        switch text.lowercased() {
        case "m", "male": return .some(.male)
        case "f", "female": return .some(.female)
        case "x": return .some(.other)
        case "u", "unknown": return .some(nil)
        default: return .none
        }
    }
}

extension String {
    /// Unicode scalars with precomposed letters split into base letter and combining marks (é → e + ◌́), for
    /// the common Latin letters; other scalars pass through.
    var decomposedScalars: [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        for s in unicodeScalars {
            if let base = latinBase[s] { out.append(base) } else { out.append(s) }
        }
        return out
    }
}

/// Base letters of the Latin-1 Supplement and Latin Extended-A letters with diacritics (lower case; names are
/// lower-cased first). Letters such as ø, æ and ß stay themselves.
private let latinBase: [Unicode.Scalar: Unicode.Scalar] = {
    let table: [(String, Character)] = [
        ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
        ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöōŏő", "o"),
        ("ŕŗř", "r"), ("śŝşš", "s"), ("ţťŧ", "t"), ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
    ]
    var map: [Unicode.Scalar: Unicode.Scalar] = [:]
    for (letters, base) in table {
        for l in letters.unicodeScalars { map[l] = base.unicodeScalars.first! }
    }
    return map
}()
