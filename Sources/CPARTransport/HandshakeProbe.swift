import CPARSystem
import CCurl
import CPARCurl
import Foundation

/// Tells a refused TLS session from a dropped connection.
///
/// With TLS 1.3 the server checks our client certificate only after the client has finished its side of the
/// handshake, and libcurl has usually sent the request by then. The server's "certificate required" / "unknown
/// CA" alert and its close then race our unread request: the TCP reset often destroys the alert, and the
/// transfer fails as a plain send/receive error — indistinguishable from a dropped line, and retrying would
/// never help. The probe connects again, completes the handshake and sends *nothing*: a refusing server's
/// alert (or, when OpenSSL on the server stops reading mid-flight, a reset) then arrives within a round trip,
/// while an accepting server just waits for our request.
enum HandshakeProbe {
    /// Why the server refused the session (its TLS alert, or the reset that replaced it), nil when it accepts
    /// the session or cannot be reached.
    /// `easy` carries the same connection and TLS options as the failed transfer.
    static func refusal(using easy: CurlEasy, waitSeconds: Int) -> String? {
        do { try easy.set(CURLOPT_CONNECT_ONLY, 1) } catch { return nil }
        let code = easy.perform()
        if code != CURLE_OK {
            let text = easy.errorText(for: code)
            return FailureClassifier.isTLSAlert(text) ? text : nil
        }
        guard let socket = easy.activeSocket else { return nil }
        let deadline = Date().addingTimeInterval(Double(waitSeconds))
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let remaining = Int(deadline.timeIntervalSinceNow * 1000)
            guard remaining > 0 else { return nil }   // still waiting for our request: the session was accepted
            var ready = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard let polled = try? Posix.call("poll", { poll(&ready, 1, Int32(remaining)) }), polled > 0 else { return nil }
            switch easy.receive(into: &buffer) {
            case .success: return nil                              // data or a clean close: not a refusal
            case .failure(let error) where error.code == CURLE_AGAIN: continue   // e.g. session tickets
            case .failure(let error):
                // We sent nothing after the handshake, so any error here is the server ending the session.
                let text = easy.errorText(for: error.code)
                return FailureClassifier.isTLSAlert(text)
                    ? text : "the server ended the session right after the handshake (client certificate refused?)"
            }
        }
    }
}
