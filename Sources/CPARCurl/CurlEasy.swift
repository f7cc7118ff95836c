import CCurl
import Foundation

/// One easy handle for one transfer. Owns its error buffer, header lists and callback contexts until deinit,
/// so everything handed to libcurl outlives `perform()`.
public final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private var contexts: [AnyObject] = []

    /// Nil when libcurl cannot be initialised or has no handle to give.
    public init?() {
        guard CurlGlobal.ensureInitialised() == nil, let h = curl_easy_init() else { return nil }
        handle = h
        let size = Int(CCurl_error_size())
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
        _ = CCurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    private func check(_ option: CURLoption, _ code: CURLcode) throws(CurlSetupError) {
        if code != CURLE_OK { throw CurlSetupError(option: option, code: code) }
    }

    public func set(_ option: CURLoption, _ value: Int) throws(CurlSetupError) {
        try check(option, CCurl_setopt_long(handle, option, value))
    }

    /// libcurl copies string options, so the Swift string need not outlive the call.
    public func set(_ option: CURLoption, _ value: String) throws(CurlSetupError) {
        try check(option, CCurl_setopt_string(handle, option, value))
    }

    public func set(_ option: CURLoption, offset value: Int64) throws(CurlSetupError) {
        try check(option, CCurl_setopt_off(handle, option, curl_off_t(value)))
    }

    public func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlSetupError) {
        try check(option, CCurl_setopt_pointer(handle, option, value))
    }

    public func set(_ option: CURLoption, callback: CCurl_data_callback) throws(CurlSetupError) {
        try check(option, CCurl_setopt_callback(handle, option, callback))
    }

    /// Sets a callback's data option (`CURLOPT_WRITEDATA`, `CURLOPT_READDATA`, ...) to `context`, which the
    /// handle keeps alive until deinit. The callback gets it back with `CurlEasy.context(_:)`.
    public func set(_ option: CURLoption, context: AnyObject) throws(CurlSetupError) {
        contexts.append(context)
        try set(option, pointer: Unmanaged.passUnretained(context).toOpaque())
    }

    /// The object a callback's `userdata` points at (set with `set(_:context:)`).
    public static func context<T: AnyObject>(_ userdata: UnsafeMutableRawPointer, as type: T.Type = T.self) -> T {
        Unmanaged<T>.fromOpaque(userdata).takeUnretainedValue()
    }

    /// Sets a `curl_slist` option; the list is freed with the handle.
    public func set(_ option: CURLoption, list items: [String]) throws(CurlSetupError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for item in items {
            guard let appended = curl_slist_append(list, item) else {
                curl_slist_free_all(list)
                throw CurlSetupError(option: option, code: CURLE_OUT_OF_MEMORY)
            }
            list = appended
        }
        if let list { lists.append(list) }
        try check(option, CCurl_setopt_slist(handle, option, list))
    }

    /// Makes `upload` the request body (`CURLOPT_READFUNCTION` / `CURLOPT_READDATA`). The size and the
    /// upload mode (`CURLOPT_POST`, `CURLOPT_UPLOAD`) are the caller's.
    public func set(upload: CurlUpload) throws(CurlSetupError) {
        try set(CURLOPT_READFUNCTION, callback: CurlUpload.readCallback)
        try set(CURLOPT_READDATA, context: upload)
    }

    public func perform() -> CURLcode { curl_easy_perform(handle) }

    public var responseCode: Int {
        var code: Int = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The connection's socket (after a `CURLOPT_CONNECT_ONLY` transfer).
    public var activeSocket: Int32? {
        var socket = curl_socket_t(-1)
        guard CCurl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else { return nil }
        return socket
    }

    /// `curl_easy_recv`: bytes read (0 at end of stream), or the failure code (`CURLE_AGAIN`: nothing yet).
    public func receive(into buffer: inout [UInt8]) -> Result<Int, CurlCodeError> {
        var count = 0
        let code = buffer.withUnsafeMutableBytes { curl_easy_recv(handle, $0.baseAddress, $0.count, &count) }
        return code == CURLE_OK ? .success(count) : .failure(CurlCodeError(code: code))
    }

    /// libcurl's detailed message for the last failure, or its generic text for `code`.
    public func errorText(for code: CURLcode) -> String {
        let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        return detail.isEmpty ? CurlCodeError(code: code).description : detail
    }
}
