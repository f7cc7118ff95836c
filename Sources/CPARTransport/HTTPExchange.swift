import CCurl
import Foundation

/// The mutable state of one HTTP transfer that libcurl's callbacks feed: the (capped) response body,
/// the final response's `Retry-After`, and the upload source. Passed to callbacks as an unretained pointer;
/// the owner keeps it alive across `perform()`.
final class HTTPExchange {
    static let responseCap = 1 << 20

    private(set) var body: [UInt8] = []
    /// The body went over `responseCap`; the transfer was aborted.
    private(set) var overflowed = false
    /// `Retry-After` of the last response header block seen.
    private(set) var retryAfter: String?
    /// A response status line arrived.
    private(set) var sawResponse = false
    /// File descriptor the request body is read from, or -1.
    var uploadFD: Int32 = -1
    /// `errno` of a failed read of the upload file.
    private(set) var uploadErrno: Int32?

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> HTTPExchange {
        Unmanaged<HTTPExchange>.fromOpaque(pointer!).takeUnretainedValue()
    }

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

    func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int? {
        while true {
            let n = Glibc.read(uploadFD, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            uploadErrno = errno
            return nil
        }
    }

    static let writeCallback: CCurl_data_callback = { ptr, size, count, userdata in
        let total = size * count
        guard total > 0, let ptr else { return total }
        let exchange = HTTPExchange.from(userdata)
        return ptr.withMemoryRebound(to: UInt8.self, capacity: total) {
            exchange.append(UnsafeBufferPointer(start: $0, count: total))
        } ? total : 0
    }

    static let headerCallback: CCurl_data_callback = { ptr, size, count, userdata in
        let total = size * count
        guard total > 0, let ptr else { return total }
        let line = ptr.withMemoryRebound(to: UInt8.self, capacity: total) {
            String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self)
        }
        HTTPExchange.from(userdata).header(line)
        return total
    }

    static let readCallback: CCurl_data_callback = { ptr, size, count, userdata in
        guard let ptr else { return CCurl_readfunc_abort() }
        return HTTPExchange.from(userdata).read(into: ptr, count: size * count) ?? CCurl_readfunc_abort()
    }
}
