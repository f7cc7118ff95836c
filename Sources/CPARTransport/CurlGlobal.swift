import CCurl

/// `curl_global_init` exactly once per process, on first use (Swift runs `static let` initialisers once,
/// thread-safely).
enum CurlGlobal {
    private static let initResult: CURLcode = CCurl_global_init_all()

    /// Nil when libcurl is ready, otherwise why not.
    static func ensureInitialised() -> String? {
        let code = initResult
        return code == CURLE_OK ? nil : String(cString: curl_easy_strerror(code))
    }
}
