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

    func header(_ line: String) {
        if line.hasPrefix("HTTP/") { retryAfter = nil; sawResponse = true; return }   // a new response (e.g. after 100 Continue)
        guard let colon = line.firstIndex(of: ":") else { return }
        if line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == "retry-after" {
            retryAfter = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
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
        let line = ptr.withMemoryRebound(to: UInt8.self, capacity: total) {
            String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self)
        }
        CurlEasy.context(userdata, as: HTTPExchange.self).header(line)
        return total
    }
}
