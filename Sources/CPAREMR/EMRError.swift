/// Errors that stop reading the EMR data directory. Messages name the file (and column or line), never a field value.
public enum EMRError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist.
    case missingFile(String)
    /// A required column is not in the file's header row.
    case missingColumn(file: String, column: String)
    /// The file is empty, or holds only empty lines: there is no header row.
    case noHeader(String)
    /// The file could not be opened or read (permissions, I/O error, a malformed header, …).
    case unreadable(file: String, message: String)

    public var description: String {
        switch self {
        case .missingFile(let path):
            return "\(path): file not found"
        case .missingColumn(let file, let column):
            return "\(file): required column '\(column)' is missing from the header row"
        case .noHeader(let file):
            return "\(file): no header row (the file is empty)"
        case .unreadable(let file, let message):
            return "\(file): \(message)"
        }
    }
}
