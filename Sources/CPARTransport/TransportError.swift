/// A registry client that cannot be set up from its settings (a configuration error, not a transfer failure).
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `registry.url` is not an absolute https:// URL (or http:// with `allow_insecure_http`).
    case invalidURL(String)
    /// http:// without `registry.allow_insecure_http = true`.
    case insecureURLRefused
    /// A certificate, key or CA file that cannot be read.
    case unreadableFile(setting: String, path: String)
    /// Client certificate without key, or key without certificate.
    case incompleteClientCertificate
    /// The bearer token is empty or holds control characters (it would break the header).
    case invalidBearerToken
    /// libcurl could not be initialised.
    case curlUnavailable(String)

    public var description: String {
        switch self {
        case .invalidURL(let why): "registry.url: \(why)"
        case .insecureURLRefused: "registry.url: http:// needs registry.allow_insecure_http = true"
        case .unreadableFile(let setting, let path): "\(setting): cannot read \(path)"
        case .incompleteClientCertificate: "registry.client_cert and registry.client_key go together"
        case .invalidBearerToken: "registry token: empty or contains control characters"
        case .curlUnavailable(let why): "libcurl initialisation failed: \(why)"
        }
    }
}
