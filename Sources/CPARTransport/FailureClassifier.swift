import CCurl
import CPARCore

/// Decides whether a failed exchange is worth retrying (SPEC §7): libcurl's codes here, HTTP statuses by
/// `RetryPolicy.classify` (the one list of retryable statuses).
enum FailureClassifier {
    /// A libcurl failure (the transfer did not produce a usable response). `detail` is libcurl's error text.
    static func classify(curl code: CURLcode, detail: String) -> RegistryResult {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .retryable(reason: "cannot connect: \(detail)", retryAfter: nil)
        case CURLE_OPERATION_TIMEDOUT:
            return .retryable(reason: "timeout: \(detail)", retryAfter: nil)
        case CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2,
             CURLE_HTTP2_STREAM, CURLE_AGAIN:
            // With OpenSSL a server that refuses our client certificate after the handshake (TLS 1.3) shows
            // up as a send/receive error carrying the peer's TLS alert: that is permanent, not a dropped line.
            if isTLSAlert(detail) { return .permanent(reason: "TLS handshake failed: \(detail)") }
            return .retryable(reason: "connection lost: \(detail)", retryAfter: nil)
        case CURLE_SSL_CONNECT_ERROR:
            // A reset or EOF in the middle of the handshake is the network; anything else (an alert, no shared
            // protocol or cipher, a refused certificate) will fail the same way next time.
            if !isTLSAlert(detail) && isTransportGlitch(detail) {
                return .retryable(reason: "connection lost during TLS handshake: \(detail)", retryAfter: nil)
            }
            return .permanent(reason: "TLS handshake failed: \(detail)")
        case CURLE_PEER_FAILED_VERIFICATION:
            return .permanent(reason: "TLS verification failed: \(detail)")
        case CURLE_SSL_CACERT_BADFILE:
            return .permanent(reason: "cannot use the CA file: \(detail)")
        case CURLE_SSL_CERTPROBLEM:
            return .permanent(reason: "cannot use the client certificate: \(detail)")
        case CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_SSL_SHUTDOWN_FAILED:
            return .permanent(reason: "TLS failure: \(detail)")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .permanent(reason: "bad registry URL: \(detail)")
        case CURLE_WRITE_ERROR, CURLE_FILESIZE_EXCEEDED:
            return .permanent(reason: "response larger than 1 MiB")
        case CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING:
            return .permanent(reason: "unreadable response: \(detail)")
        case CURLE_TOO_MANY_REDIRECTS, CURLE_LOGIN_DENIED, CURLE_REMOTE_ACCESS_DENIED, CURLE_NOT_BUILT_IN,
             CURLE_UNKNOWN_OPTION, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_FUNCTION_NOT_FOUND, CURLE_FAILED_INIT:
            return .permanent(reason: "request refused: \(detail)")
        default:
            // Anything else is most likely transient; the retry lifetime bounds it.
            return .retryable(reason: "transfer failed: \(detail)", retryAfter: nil)
        }
    }

    /// OpenSSL's text for an alert received from the peer, e.g. "tlsv13 alert certificate required",
    /// "sslv3 alert bad certificate", "tlsv1 alert unknown ca".
    static func isTLSAlert(_ detail: String) -> Bool {
        detail.contains(" alert ")
    }

    private static func isTransportGlitch(_ detail: String) -> Bool {
        let lowered = detail.lowercased()
        return lowered.contains("connection reset") || lowered.contains("unexpected eof")
            || lowered.contains("ssl_error_syscall") || lowered.contains("broken pipe")
    }

    /// A response whose status is not the one expected. Only registry codes in the registry's code syntax are
    /// named (`Redaction.registryCode`); the others are dropped.
    static func classify(status: Int, retryAfter: Int?, registryErrorCodes: [String]) -> RegistryResult {
        let kept = Redaction.registryCodes(registryErrorCodes).kept
        let codes = kept.isEmpty ? "" : " (registry errors: \(kept.joined(separator: ", ")))"
        if (300..<400).contains(status) {
            return .permanent(reason: "HTTP \(status): redirects are not followed")
        }
        switch RetryPolicy.classify(httpStatus: status) {
        case .retryable: return .retryable(reason: "HTTP \(status)\(codes)", retryAfter: retryAfter)
        case .success, .permanent: return .permanent(reason: "HTTP \(status)\(codes)")
        }
    }
}
