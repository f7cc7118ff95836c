import CCurl
import CPARCurl
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
        guard let easy = CurlEasy() else { throw .smtp("libcurl initialisation failed") }
        let useTLS = implicitTLS || username != nil || caFile != nil ? CURLUSESSL_ALL : CURLUSESSL_NONE
        do {
            try easy.set(CURLOPT_URL, url)
            try easy.set(CURLOPT_NOSIGNAL, 1)
            try easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            try easy.set(CURLOPT_USE_SSL, Int(useTLS.rawValue))
            try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
            try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
            if let caFile { try easy.set(CURLOPT_CAINFO, caFile) }
            if let username { try easy.set(CURLOPT_USERNAME, username) }
            if let password { try easy.set(CURLOPT_PASSWORD, password) }
            try easy.set(CURLOPT_CONNECTTIMEOUT, connectTimeout)
            try easy.set(CURLOPT_TIMEOUT, timeout)
            try easy.set(CURLOPT_MAIL_FROM, "<\(sender)>")
            try easy.set(CURLOPT_MAIL_RCPT, list: ["<\(recipient)>"])
            try easy.set(CURLOPT_UPLOAD, 1)
            try easy.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(message.count))
            try easy.set(upload: CurlUpload(bytes: message))
        } catch {
            throw .smtp("libcurl setup: \(error.reason)")
        }
        let code = easy.perform()
        guard code == CURLE_OK else { throw .smtp(easy.errorText(for: code)) }
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
