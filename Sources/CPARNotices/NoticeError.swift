import CPARSystem

/// A failure notice that could not be delivered. Never carries the message text.
public enum NoticeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A Maildir file name that is empty, starts with '.', or holds '/', ':' or control characters.
    case invalidUniqueName
    /// A file-system step of Maildir delivery failed.
    case io(operation: String, path: String, errno: Int32)
    /// An address with characters that would break the SMTP envelope or headers.
    case invalidAddress(String)
    /// `notify.smtp_url` is not smtp:// or smtps://.
    case invalidURL
    /// The SMTP exchange failed (libcurl's error text).
    case smtp(String)

    /// A failed system call, as `.io`.
    public init(_ error: SystemError) { self = .io(operation: error.call, path: error.path, errno: error.errno) }

    public var description: String {
        switch self {
        case .invalidUniqueName: "maildir: invalid message file name"
        case .io(let operation, let path, let errno): "maildir: \(operation) \(path): \(SystemError.text(errno))"
        case .invalidAddress(let why): "notice address: \(why)"
        case .invalidURL: "notify.smtp_url: expected smtp:// or smtps://"
        case .smtp(let why): "smtp: \(why)"
        }
    }
}
