import CCurl

/// `curl_global_init` exactly once per process, on first use (Swift runs `static let` initialisers once,
/// thread-safely).
public enum CurlGlobal {
    private static let initResult: CURLcode = CCurl_global_init_all()

    /// Nil when libcurl is ready, otherwise why not.
    public static func ensureInitialised() -> String? {
        let code = initResult
        return code == CURLE_OK ? nil : CurlCodeError(code: code).description
    }
}
