@testable import CPARTransport
import Testing

/// What cpard keeps of a registry's response headers: the status line and a bounded `Retry-After`, nothing else.
@Suite struct HTTPExchangeTests {
    func feed(_ exchange: HTTPExchange, _ line: String) {
        Array(line.utf8).withUnsafeBufferPointer { exchange.header($0) }
    }

    @Test func retryAfterIsReadCaseInsensitivelyAndResetByANewResponse() {
        let e = HTTPExchange()
        feed(e, "HTTP/1.1 100 Continue\r\n")
        feed(e, "retry-AFTER:  120 \r\n")
        #expect(e.retryAfter == "120" && e.sawResponse)
        feed(e, "HTTP/1.1 503 Service Unavailable\r\n")
        #expect(e.retryAfter == nil, "a new response starts afresh")
        feed(e, "Retry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
        #expect(e.retryAfter == "Sun, 06 Nov 1994 08:49:37 GMT")
        feed(e, "Retry-Afterwards: 5\r\n")
        feed(e, "X-Retry-After: 5\r\n")
        #expect(e.retryAfter == "Sun, 06 Nov 1994 08:49:37 GMT", "only the Retry-After field")
    }

    @Test func anOversizeRetryAfterIsIgnored() {
        let e = HTTPExchange()
        feed(e, "HTTP/1.1 503 x\r\n")
        feed(e, "Retry-After: " + String(repeating: "9", count: HTTPExchange.maxRetryAfterBytes) + "\r\n")
        #expect(e.retryAfter?.count == HTTPExchange.maxRetryAfterBytes)
        feed(e, "Retry-After: " + String(repeating: "9", count: HTTPExchange.maxRetryAfterBytes + 1) + "\r\n")
        #expect(e.retryAfter == nil)
        feed(e, "Retry-After: " + String(repeating: "9", count: 100_000) + "\r\n")
        #expect(e.retryAfter == nil)
    }
}
