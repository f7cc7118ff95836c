/// The two CPAR portal reports (SPEC §14), and the columns cpard reads from them.
public enum CPARReportKind: String, Sendable, CaseIterable, Equatable {
    case conflict, mismatch
}

/// A column cpard reads from a CPAR report. The raw value is the FIELD name of `--map FIELD=HEADER`.
public enum CPARReportField: String, Sendable, CaseIterable, Hashable {
    case phn
    case familyName = "family_name"
    case givenName = "given_name"
    case birthDate = "birth_date"
    case gender
    case panel
    case otherPanel = "other_panel"
    case otherProvider = "other_provider"

    /// Header names that mean this field (§14), in their normalised form.
    public var synonyms: [String] {
        let names: [String]
        switch self {
        case .phn: names = ["phn", "uli", "personal health number", "health number"]
        case .familyName: names = ["family name", "last name", "surname"]
        case .givenName: names = ["given name", "first name"]
        case .birthDate: names = ["dob", "date of birth", "birth date"]
        case .gender: names = ["gender", "sex"]
        case .panel: names = ["panel", "panel number", "panel id"]
        case .otherPanel: names = ["conflicting panel", "other panel", "conflict panel"]
        case .otherProvider: names = ["conflicting provider", "other provider"]
        }
        return names.map(CPARReportHeader.normalize)
    }

    /// The fields a report of `kind` may carry.
    public static func fields(of kind: CPARReportKind) -> [CPARReportField] {
        switch kind {
        case .conflict: return [.phn, .familyName, .givenName, .birthDate, .gender, .panel, .otherPanel, .otherProvider]
        case .mismatch: return [.phn, .familyName, .givenName, .birthDate, .gender, .panel]
        }
    }

    /// `--map` also accepts `dob` for `birth_date`.
    public init?(mapName: String) {
        let n = CPARReportHeader.normalize(mapName)
        guard let f = CPARReportField.allCases.first(where: { CPARReportHeader.normalize($0.rawValue) == n })
                ?? (n == "dob" ? .birthDate : nil) else { return nil }
        self = f
    }
}
