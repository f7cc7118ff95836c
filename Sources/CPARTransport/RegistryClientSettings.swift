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
        self.bearerToken = bearerToken; self.connectTimeout = connectTimeout; self.timeout = timeout
        self.userAgent = userAgent
    }

    public init(config: Config, token: String?) {
        self.init(url: config.registryURL, allowInsecureHTTP: config.allowInsecureHTTP,
                  clientCertPath: config.clientCert, clientKeyPath: config.clientKey, caFilePath: config.caFile,
                  bearerToken: token, connectTimeout: config.connectTimeout, timeout: config.requestTimeout)
    }
}
