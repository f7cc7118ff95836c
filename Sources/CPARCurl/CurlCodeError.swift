import CCurl

/// A bare libcurl result code; its description is libcurl's generic text for it.
public struct CurlCodeError: Error, CustomStringConvertible {
    public let code: CURLcode
    public init(code: CURLcode) { self.code = code }
    public var description: String { String(cString: curl_easy_strerror(code)) }
}
