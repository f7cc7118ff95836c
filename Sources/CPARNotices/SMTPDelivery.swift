import CCurl
import Foundation

/// Sends a message by SMTP through libcurl.
///
/// TLS: `smtps://` is TLS from the start; `smtp://` upgrades with STARTTLS, and *requires* it, when a
/// username or a CA file is configured (credentials never travel in clear), and is plain SMTP otherwise
/// (a local relay). Peer and host verification are always on when TLS is used.
public struct SMTPDelivery: Sendable {
    public let url: String
    public let from: String
    public let username: String?
    public let password: String?
    public let caFile: String?
    /// Seconds.
    public var connectTimeout = 10
    /// Seconds for the whole exchange.
    public var timeout = 60

    public init(url: String, from: String, username: String?, password: String?, caFile: String?) {
        self.url = url; self.from = from; self.username = username; self.password = password; self.caFile = caFile
    }

    /// `to` and `from` may be bare addresses or `Name <address>`; the envelope uses the address.
    public func send(to: String, message: [UInt8]) throws(NoticeError) {
        let lowered = url.lowercased()
        let implicitTLS = lowered.hasPrefix("smtps://")
        guard implicitTLS || lowered.hasPrefix("smtp://"),
              !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else { throw .invalidURL }
        let sender = try Self.envelopeAddress(from, role: "sender")
        let recipient = try Self.envelopeAddress(to, role: "recipient")
        if let why = CurlGlobal.ensureInitialised() { throw .smtp("libcurl initialisation failed: \(why)") }
        guard let curl = curl_easy_init() else { throw .smtp("libcurl initialisation failed") }
        let errorSize = Int(CCurl_error_size())
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: errorSize)
        errorBuffer.initialize(repeating: 0, count: errorSize)
        let recipients = curl_slist_append(nil, "<\(recipient)>")
        let source = UploadSource(message)
        defer {
            curl_easy_cleanup(curl)
            curl_slist_free_all(recipients)
            errorBuffer.deallocate()
        }
        guard recipients != nil else { throw .smtp("out of memory") }

        var failed: CURLcode = CURLE_OK
        func set(_ code: CURLcode) { if failed == CURLE_OK && code != CURLE_OK { failed = code } }
        let useTLS: Int = implicitTLS || username != nil || caFile != nil ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_NONE.rawValue)
        set(CCurl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorBuffer))
        set(CCurl_setopt_string(curl, CURLOPT_URL, url))
        set(CCurl_setopt_long(curl, CURLOPT_NOSIGNAL, 1))
        set(CCurl_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
        set(CCurl_setopt_long(curl, CURLOPT_USE_SSL, useTLS))
        set(CCurl_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, 1))
        set(CCurl_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, 2))
        if let caFile { set(CCurl_setopt_string(curl, CURLOPT_CAINFO, caFile)) }
        if let username { set(CCurl_setopt_string(curl, CURLOPT_USERNAME, username)) }
        if let password { set(CCurl_setopt_string(curl, CURLOPT_PASSWORD, password)) }
        set(CCurl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT, connectTimeout))
        set(CCurl_setopt_long(curl, CURLOPT_TIMEOUT, timeout))
        set(CCurl_setopt_string(curl, CURLOPT_MAIL_FROM, "<\(sender)>"))
        set(CCurl_setopt_slist(curl, CURLOPT_MAIL_RCPT, recipients))
        set(CCurl_setopt_long(curl, CURLOPT_UPLOAD, 1))
        set(CCurl_setopt_off(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count)))
        set(CCurl_setopt_callback(curl, CURLOPT_READFUNCTION, UploadSource.readCallback))
        set(CCurl_setopt_pointer(curl, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque()))
        guard failed == CURLE_OK else { throw .smtp("libcurl setup: \(String(cString: curl_easy_strerror(failed)))") }

        let code = withExtendedLifetime(source) { curl_easy_perform(curl) }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .smtp(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
    }

    /// The addr-spec of `Name <addr>` or a bare address; refuses anything that could break the SMTP envelope.
    static func envelopeAddress(_ text: String, role: String) throws(NoticeError) -> String {
        var address = text.trimmingCharacters(in: .whitespaces)
        if let open = address.lastIndex(of: "<"), let close = address.lastIndex(of: ">"), open < close {
            address = String(address[address.index(after: open)..<close])
        }
        guard !address.isEmpty,
              !address.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" })
        else { throw .invalidAddress("\(role) is empty or holds spaces, control characters or angle brackets") }
        return address
    }
}

/// Feeds the message to libcurl's read callback.
private final class UploadSource {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let readCallback: CCurl_data_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return CCurl_readfunc_abort() }
        let source = Unmanaged<UploadSource>.fromOpaque(userdata).takeUnretainedValue()
        let n = min(size * count, source.bytes.count - source.offset)
        guard n > 0 else { return 0 }
        source.bytes.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + source.offset, byteCount: n)
        }
        source.offset += n
        return n
    }
}
