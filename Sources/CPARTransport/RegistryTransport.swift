import CPARCore

/// The registry interface cpard submits through (SPEC §7). Calls block until the exchange ends.
public protocol RegistryTransport: Sendable {
    /// POSTs the payload file as the body with `Idempotency-Key: idempotencyKey`.
    func submit(payloadPath: String, idempotencyKey: String) -> RegistryResult
    /// GETs `{url}/{trackingID}`.
    func poll(trackingID: String) -> RegistryResult
}

/// How one exchange with the registry ended. Reasons are short, name no payload content, and carry
/// libcurl's error text where there is one.
public enum RegistryResult: Sendable, Equatable {
    /// 202 + Receipt: the submission is Pending under this tracking ID.
    case receipt(trackingID: String)
    /// 200 + Acknowledgement to a POST, or any acknowledgement to a poll (including `processing`).
    case acknowledged(Acknowledgement)
    /// Try again later: connect failure, timeout, dropped connection, 408/429/500/502/503/504.
    /// `retryAfter` is the server's `Retry-After` in seconds, when it sent one.
    case retryable(reason: String, retryAfter: Int?)
    /// Retrying cannot help: other 4xx/5xx, TLS verification or handshake failure, unreadable or
    /// oversized response, bad URL, unreadable payload file.
    case permanent(reason: String)
}
