/// Why a CSV record could not be read cleanly. The reader still hands the record over (see each case for what it
/// holds); consumers treat such a record as unreadable.
public enum CSVRecordProblem: Equatable, Sendable, CustomStringConvertible {
    /// A `"` inside an unquoted field, or text between a closing quote and the next delimiter. The quote (or text)
    /// is kept as a literal character and the record ends at its line's end as usual.
    case strayQuote
    /// A quoted field is not closed before the end of the file or within the maximum record length. The record is
    /// re-read as its first physical line only, with the open quote closing at that line's end; reading resumes on
    /// the next line.
    case unterminatedQuote
    /// The record's first line alone is longer than the maximum record length. The record holds no fields; reading
    /// resumes on the next line.
    case tooLong(limit: Int)

    public var description: String {
        switch self {
        case .strayQuote: return "stray quote (a quote inside an unquoted field, or text after a closing quote)"
        case .unterminatedQuote: return "quoted field is never closed; read up to the end of its line"
        case .tooLong(let limit): return "line longer than \(limit) bytes"
        }
    }
}
