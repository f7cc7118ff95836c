import CCurl
@testable import CPARTransport
import Testing

@Suite struct FailureClassifierTests {
    @Test(arguments: [408, 429, 500, 502, 503, 504])
    func retryableStatuses(status: Int) {
        #expect(FailureClassifier.classify(status: status, retryAfter: 3, registryErrorCodes: [])
                == .retryable(reason: "HTTP \(status)", retryAfter: 3))
    }

    @Test(arguments: [400, 401, 403, 404, 409, 413, 415, 422, 501, 505])
    func permanentStatuses(status: Int) {
        #expect(FailureClassifier.classify(status: status, retryAfter: nil, registryErrorCodes: [])
                == .permanent(reason: "HTTP \(status)"))
    }

    @Test func redirectsArePermanent() {
        #expect(FailureClassifier.classify(status: 302, retryAfter: nil, registryErrorCodes: [])
                == .permanent(reason: "HTTP 302: redirects are not followed"))
    }

    @Test func networkFailuresAreRetryable() {
        for code in [CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING,
                     CURLE_PARTIAL_FILE, CURLE_SEND_ERROR, CURLE_RECV_ERROR] {
            #expect(FailureClassifier.classify(curl: code, detail: "Connection reset by peer").isRetryable,
                    "\(code.rawValue)")
        }
    }

    @Test func tlsAndURLFailuresArePermanent() {
        for code in [CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
                     CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_WRITE_ERROR, CURLE_FILESIZE_EXCEEDED] {
            #expect(FailureClassifier.classify(curl: code, detail: "x").permanentReason != nil, "\(code.rawValue)")
        }
    }

    @Test func peerAlertOnReceiveIsAPermanentHandshakeFailure() {
        let detail = "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0"
        #expect(FailureClassifier.classify(curl: CURLE_RECV_ERROR, detail: detail)
                == .permanent(reason: "TLS handshake failed: \(detail)"))
    }

    @Test func handshakeErrorsArePermanentUnlessTheLineDropped() {
        let alert = "error:0A000410:SSL routines::sslv3 alert handshake failure"
        #expect(FailureClassifier.classify(curl: CURLE_SSL_CONNECT_ERROR, detail: alert).permanentReason != nil)
        let reset = "OpenSSL SSL_connect: Connection reset by peer in connection to 127.0.0.1:443"
        #expect(FailureClassifier.classify(curl: CURLE_SSL_CONNECT_ERROR, detail: reset).isRetryable)
    }
}

@Suite struct FailureClassifierCodeTests {
    @Test func onlyCodesInTheRegistrySyntaxAreNamed() {
        #expect(FailureClassifier.classify(status: 422, retryAfter: nil, registryErrorCodes: ["E1", "Smith, John", "X_123456789"])
                == .permanent(reason: "HTTP 422 (registry errors: E1)"))
        #expect(FailureClassifier.classify(status: 503, retryAfter: nil, registryErrorCodes: ["Smith"])
                == .retryable(reason: "HTTP 503", retryAfter: nil))
    }
}
