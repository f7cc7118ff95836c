import CCurl
import CPARCurl
import Foundation

/// The mutable state of one HTTP response that libcurl's callbacks feed: the (capped) body and the final
/// response's `Retry-After`. Handed to the callbacks with `CurlEasy.set(_:context:)`.
final class HTTPExchange {
    static let responseCap = 1 << 20

    private(set) var body: [UInt8] = []
    /// The body went over `responseCap`; the transfer was aborted.
    private(set) var overflowed = false
    /// `Retry-After` of the last response header block seen.
    private(set) var retryAfter: String?
    /// A response status line arrived.
    private(set) var sawResponse = false

    func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if body.count + bytes.count > Self.responseCap { overflowed = true; return false }
        body.append(contentsOf: bytes)
        return true
    }

    /// The longest `Retry-After` value looked at: an HTTP date is 29 characters, delta-seconds far fewer.
    static let maxRetryAfterBytes = 64

    /// One header line, as bytes (libcurl hands over whole lines, up to its own 100 KiB limit). Only the status
    /// line and `Retry-After` are read; a `Retry-After` longer than `maxRetryAfterBytes` is ignored, so nothing
    /// the registry sends in a header grows without bound or reaches a log.
    func header(_ line: UnsafeBufferPointer<UInt8>) {
        if line.starts(with: "HTTP/".utf8) { retryAfter = nil; sawResponse = true; return }   // a new response (e.g. after 100 Continue)
        let name = "retry-after".utf8
        guard line.count > name.count, line[name.count] == UInt8(ascii: ":"),
              zip(line.prefix(name.count), name).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) else { return }
        let value = line.dropFirst(name.count + 1)
        guard value.count <= Self.maxRetryAfterBytes + 4 else { retryAfter = nil; return }
        let text = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        retryAfter = text.utf8.count <= Self.maxRetryAfterBytes ? text : nil
    }

    static let writeCallback: CCurl_data_callback = { ptr, size, count, userdata in
        let total = size * count
        guard total > 0, let ptr else { return total }
        guard let userdata else { return 0 }
        let exchange = CurlEasy.context(userdata, as: HTTPExchange.self)
        return ptr.withMemoryRebound(to: UInt8.self, capacity: total) {
            exchange.append(UnsafeBufferPointer(start: $0, count: total))
        } ? total : 0
    }

    static let headerCallback: CCurl_data_callback = { ptr, size, count, userdata in
        let total = size * count
        guard total > 0, let ptr else { return total }
        guard let userdata else { return 0 }
        let exchange = CurlEasy.context(userdata, as: HTTPExchange.self)
        ptr.withMemoryRebound(to: UInt8.self, capacity: total) {
            exchange.header(UnsafeBufferPointer(start: $0, count: total))
        }
        return total
    }
}
