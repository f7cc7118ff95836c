import CCurl

/// A libcurl option that could not be set; the transfer is not attempted.
public struct CurlSetupError: Error, CustomStringConvertible {
    public let option: CURLoption
    public let code: CURLcode
    /// libcurl's text for `code`.
    public var reason: String { CurlCodeError(code: code).description }
    public var description: String { "libcurl option \(option.rawValue) refused: \(reason)" }
}
