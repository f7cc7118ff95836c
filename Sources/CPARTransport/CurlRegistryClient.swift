import CCurl
import CPARCore
import CPARSystem
import CPARCurl
import Foundation

/// The SPEC §7 protocol over libcurl: a fresh easy handle per request, TLS peer and host verification always
/// on, optional mutual TLS and bearer token, no redirects, 1 MiB response cap.
public final class CurlRegistryClient: RegistryTransport {
    public let settings: RegistryClientSettings
    private let parser: ResponseParser
    private let baseURL: String
    private let token: String?

    public init(settings: RegistryClientSettings, parser: ResponseParser) throws(TransportError) {
        let url = settings.url.trimmingCharacters(in: .whitespaces)
        let lowered = url.lowercased()
        if lowered.hasPrefix("http://") {
            guard settings.allowInsecureHTTP else { throw .insecureURLRefused }
        } else if !lowered.hasPrefix("https://") {
            throw .invalidURL("expected an https:// URL")
        }
        let rest = url.drop(while: { $0 != ":" }).dropFirst(3)
        guard let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first,
              !host.isEmpty else { throw .invalidURL("no host") }
        guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
              !url.contains("?"), !url.contains("#") else {
            throw .invalidURL("spaces, control characters, query or fragment are not allowed")
        }
        if (settings.clientCertPath == nil) != (settings.clientKeyPath == nil) { throw .incompleteClientCertificate }
        for (setting, path) in [("registry.client_cert", settings.clientCertPath),
                                ("registry.client_key", settings.clientKeyPath),
                                ("registry.ca_file", settings.caFilePath)] {
            if let path, access(path, R_OK) != 0 { throw .unreadableFile(setting: setting, path: path) }
        }
        if let raw = settings.bearerToken {
            let t = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !t.isEmpty, !t.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw .invalidBearerToken
            }
            token = t
        } else {
            token = nil
        }
        if let why = CurlGlobal.ensureInitialised() { throw .curlUnavailable(why) }
        self.settings = settings
        self.parser = parser
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
    }

    public func submit(payloadPath: String, idempotencyKey: String) -> RegistryResult {
        guard !idempotencyKey.isEmpty,
              !idempotencyKey.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value >= 0x7F }) else {
            return .permanent(reason: "invalid idempotency key")
        }
        let fd: Int32
        do { fd = try Posix.open(payloadPath, O_RDONLY) } catch {
            return .permanent(reason: "cannot open payload file: \(error.reason)")
        }
        defer { Posix.closeQuietly(fd) }
        guard let info = try? Posix.fstat(fd, path: payloadPath), (info.st_mode & S_IFMT) == S_IFREG else {
            return .permanent(reason: "payload is not a regular file")
        }
        let exchange = HTTPExchange()
        let upload = CurlUpload(fileDescriptor: fd)
        let outcome = perform(url: baseURL, exchange: exchange) { easy throws(CurlSetupError) in
            try easy.set(CURLOPT_POST, 1)
            try easy.set(upload: upload)
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(info.st_size))
            return ["Content-Type: application/xml", "Idempotency-Key: \(idempotencyKey)", "Expect:"]
        }
        if let errno = upload.readErrno {
            return .permanent(reason: "cannot read payload file: \(SystemError.text(errno))")
        }
        switch outcome {
        case .failed(let result): return result
        case .response(202, let body):
            do { return .receipt(trackingID: try parser.parseReceipt(body)) }
            catch { return .permanent(reason: "unreadable receipt: \(error)") }
        case .response(200, let body):
            do { return .acknowledged(try parser.parseAcknowledgement(body)) }
            catch { return .permanent(reason: "unreadable acknowledgement: \(error)") }
        case .response(let status, let body):
            return failure(status: status, body: body, retryAfter: exchange.retryAfter)
        }
    }

    public func poll(trackingID: String) -> RegistryResult {
        guard !trackingID.isEmpty,
              let segment = trackingID.addingPercentEncoding(withAllowedCharacters: Self.unreserved) else {
            return .permanent(reason: "invalid tracking ID")
        }
        let exchange = HTTPExchange()
        let outcome = perform(url: baseURL + "/" + segment, exchange: exchange) { easy throws(CurlSetupError) in
            try easy.set(CURLOPT_HTTPGET, 1)
            return []
        }
        switch outcome {
        case .failed(let result): return result
        case .response(let status, let body) where (200..<300).contains(status):
            do { return .acknowledged(try parser.parseAcknowledgement(body)) }
            catch { return .permanent(reason: "unreadable acknowledgement: \(error)") }
        case .response(let status, let body):
            return failure(status: status, body: body, retryAfter: exchange.retryAfter)
        }
    }

    // MARK: - Transfer

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private enum Outcome {
        case response(status: Int, body: [UInt8])
        case failed(RegistryResult)
    }

    /// Runs one request on a fresh handle. `configure` sets the method and body and returns extra headers.
    private func perform(url: String, exchange: HTTPExchange,
                         configure: (CurlEasy) throws(CurlSetupError) -> [String]) -> Outcome {
        guard let easy = CurlEasy() else { return .failed(.retryable(reason: "libcurl unavailable", retryAfter: nil)) }
        do {
            try applyConnectionOptions(easy, url: url)
            try easy.set(CURLOPT_TIMEOUT, settings.timeout)
            try easy.set(CURLOPT_USERAGENT, settings.userAgent)
            try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(HTTPExchange.responseCap))
            try easy.set(CURLOPT_WRITEFUNCTION, callback: HTTPExchange.writeCallback)
            try easy.set(CURLOPT_WRITEDATA, context: exchange)
            try easy.set(CURLOPT_HEADERFUNCTION, callback: HTTPExchange.headerCallback)
            try easy.set(CURLOPT_HEADERDATA, context: exchange)
            var headers = try configure(easy)
            headers.append("Accept: application/xml")
            if let token { headers.append("Authorization: Bearer \(token)") }
            try easy.set(CURLOPT_HTTPHEADER, list: headers)
        } catch {
            return .failed(.permanent(reason: error.description))
        }
        let code = easy.perform()
        if exchange.overflowed { return .failed(.permanent(reason: "response larger than 1 MiB")) }
        guard code == CURLE_OK else {
            let detail = easy.errorText(for: code)
            if !exchange.sawResponse, Self.mayHideTLSRefusal(code, detail), url.lowercased().hasPrefix("https:"),
               let alert = probeHandshake(url: url) {
                return .failed(.permanent(reason: "TLS handshake failed: \(alert)"))
            }
            return .failed(FailureClassifier.classify(curl: code, detail: detail))
        }
        return .response(status: easy.responseCode, body: exchange.body)
    }

    /// Options shared by requests and the handshake probe: where to connect and how to secure it.
    private func applyConnectionOptions(_ easy: CurlEasy, url: String) throws(CurlSetupError) {
        let protocols = settings.allowInsecureHTTP ? "http,https" : "https"
        try easy.set(CURLOPT_URL, url)
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_PROTOCOLS_STR, protocols)
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, protocols)
        try easy.set(CURLOPT_FOLLOWLOCATION, 0)
        try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        try easy.set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        if let cert = settings.clientCertPath { try easy.set(CURLOPT_SSLCERT, cert) }
        if let key = settings.clientKeyPath { try easy.set(CURLOPT_SSLKEY, key) }
        if let ca = settings.caFilePath { try easy.set(CURLOPT_CAINFO, ca) }
        try easy.set(CURLOPT_CONNECTTIMEOUT, settings.connectTimeout)
    }

    /// A failure before any response that could be a TLS refusal whose alert was lost (see `HandshakeProbe`).
    private static func mayHideTLSRefusal(_ code: CURLcode, _ detail: String) -> Bool {
        guard !FailureClassifier.isTLSAlert(detail) else { return false }
        return code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING
            || code == CURLE_SSL_CONNECT_ERROR
    }

    private func probeHandshake(url: String) -> String? {
        guard let easy = CurlEasy(), (try? applyConnectionOptions(easy, url: url)) != nil else { return nil }
        return HandshakeProbe.refusal(using: easy, waitSeconds: min(settings.connectTimeout, 3))
    }

    private func failure(status: Int, body: [UInt8], retryAfter: String?) -> RegistryResult {
        // A registry may explain a refusal with an Acknowledgement; keep only its error codes (messages may
        // quote the payload).
        let codes = (try? parser.parseAcknowledgement(body))?.errors.map(\.code) ?? []
        let delay = retryAfter.flatMap { RetryAfter.seconds($0, now: Int64(Date().timeIntervalSince1970)) }
        return FailureClassifier.classify(status: status, retryAfter: delay, registryErrorCodes: codes)
    }
}
