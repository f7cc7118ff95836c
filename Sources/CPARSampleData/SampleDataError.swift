/// Why sample data could not be written.
public enum SampleDataError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidArgument(String)
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .invalidArgument(let why): return "sample-data: \(why)"
        case .io(let path, let message): return "\(path): \(message)"
        }
    }
}
