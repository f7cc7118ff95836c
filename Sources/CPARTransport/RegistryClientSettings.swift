import CPARCore

/// Everything `CurlRegistryClient` needs, taken from the config (SPEC §7, `registry.*`).
public struct RegistryClientSettings: Sendable, Equatable {
    /// Base URL: submissions are POSTed here, polls GET `{url}/{trackingId}`.
    public var url: String
    public var allowInsecureHTTP: Bool
    public var clientCertPath: String?
    public var clientKeyPath: String?
    public var caFilePath: String?
    /// The token itself (the caller reads `registry.token_file`); surrounding whitespace is ignored.
    public var bearerToken: String?
    /// Seconds.
    public var connectTimeout: Int
    /// Seconds for the whole exchange.
    public var timeout: Int
    public var userAgent: String

    public static let defaultUserAgent = "cpard/" + CPARVersion.string

    public init(url: String, allowInsecureHTTP: Bool = false, clientCertPath: String? = nil,
                clientKeyPath: String? = nil, caFilePath: String? = nil, bearerToken: String? = nil,
                connectTimeout: Int = 10, timeout: Int = 120, userAgent: String = RegistryClientSettings.defaultUserAgent) {
        self.url = url; self.allowInsecureHTTP = allowInsecureHTTP
        self.clientCertPath = clientCertPath; self.clientKeyPath = clientKeyPath; self.caFilePath = caFilePath
        // Within the config's limits even when built by hand, so libcurl never refuses them.
        self.bearerToken = bearerToken
        self.connectTimeout = Self.clamp(connectTimeout, "registry.connect_timeout")
        self.timeout = Self.clamp(timeout, "registry.timeout")
        self.userAgent = userAgent
    }

    static func clamp(_ seconds: Int, _ key: String) -> Int {
        let range = ConfigDuration.limits[key] ?? 1...3600
        return min(max(seconds, range.lowerBound), range.upperBound)
    }

    public init(config: Config, token: String?) {
        self.init(url: config.registryURL, allowInsecureHTTP: config.allowInsecureHTTP,
                  clientCertPath: config.clientCert, clientKeyPath: config.clientKey, caFilePath: config.caFile,
                  bearerToken: token, connectTimeout: config.connectTimeout, timeout: config.requestTimeout)
    }
}
