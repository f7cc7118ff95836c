/// Finding the columns of a CPAR portal report (SPEC §14): header names compared case-insensitively, ignoring
/// spaces, underscores and punctuation, with the synonyms of §14, and `--map FIELD=HEADER` overrides.
public enum CPARReportHeader {
    /// Lower case, keeping only letters and digits: `Date_of-Birth` → `dateofbirth`.
    public static func normalize(_ name: String) -> String {
        String(String.UnicodeScalarView(name.lowercased().unicodeScalars.filter {
            $0.properties.isAlphabetic || $0.properties.numericType != nil
        }))
    }

    /// Parses `--map` arguments (`FIELD=HEADER`) for a report of `kind`.
    public static func parseMaps(_ maps: [String], kind: CPARReportKind) throws(CPARReportHeaderError)
        -> [CPARReportField: String] {
        var result: [CPARReportField: String] = [:]
        for text in maps {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex,
                  !text[text.index(after: eq)...].isEmpty else { throw .badMap(text) }
            let name = String(text[..<eq])
            guard let field = CPARReportField(mapName: name) else { throw .unknownField(name) }
            guard CPARReportField.fields(of: kind).contains(field) else { throw .fieldNotInKind(field, kind) }
            result[field] = String(text[text.index(after: eq)...])
        }
        return result
    }

    /// The column index of every field present in `header`. PHN is required; a field two columns could be is an
    /// error unless `--map` names one.
    public static func columns(_ header: [String], kind: CPARReportKind, file: String,
                               overrides: [CPARReportField: String] = [:])
        throws(CPARReportHeaderError) -> [CPARReportField: Int] {
        let normalized = header.map(normalize)
        var result: [CPARReportField: Int] = [:]
        for field in CPARReportField.fields(of: kind) {
            if let wanted = overrides[field] {
                let n = normalize(wanted)
                guard let i = normalized.firstIndex(of: n) ?? header.firstIndex(of: wanted) else {
                    throw .mappedColumnMissing(file: file, field: field, header: wanted)
                }
                result[field] = i
                continue
            }
            let synonyms = Set(field.synonyms)
            // A column claimed by --map for another field is not a candidate.
            let claimed = Set(overrides.values.map(normalize))
            let candidates = normalized.indices.filter { synonyms.contains(normalized[$0]) && !claimed.contains(normalized[$0]) }
            if candidates.count > 1 { throw .ambiguous(file: file, field: field, columns: candidates.map { $0 + 1 }) }
            if let i = candidates.first { result[field] = i }
        }
        guard result[.phn] != nil else { throw .missingPHN(file: file) }
        return result
    }
}

/// Why a report's header cannot be used. Messages name columns and fields, never a value from a data row.
public enum CPARReportHeaderError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingPHN(file: String)
    /// `columns` are 1-based positions: a header row may hold anything, so its names are not repeated.
    case ambiguous(file: String, field: CPARReportField, columns: [Int])
    case unknownField(String)
    case fieldNotInKind(CPARReportField, CPARReportKind)
    case mappedColumnMissing(file: String, field: CPARReportField, header: String)
    case badMap(String)

    public var description: String {
        switch self {
        case .missingPHN(let file):
            return "\(file): no PHN column (looked for a header such as PHN, ULI, Personal Health Number or Health "
                + "Number); name it with --map phn=HEADER"
        case let .ambiguous(file, field, columns):
            return "\(file): columns " + columns.map(String.init).joined(separator: " and ")
                + " could both be \(field.rawValue); choose one with --map \(field.rawValue)=HEADER"
        case .unknownField(let name):
            return "--map: unknown field '\(name)' (fields: "
                + CPARReportField.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        case let .fieldNotInKind(field, kind):
            return "--map: a \(kind.rawValue) report has no field \(field.rawValue)"
        case let .mappedColumnMissing(file, field, header):
            return "\(file): --map \(field.rawValue)=\(header): the header row has no such column"
        case .badMap(let text):
            return "--map '\(text)': expected FIELD=HEADER"
        }
    }
}
