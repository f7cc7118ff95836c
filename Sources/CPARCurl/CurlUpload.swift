import CPARSystem
import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// A request body for libcurl's read callback: bytes in memory, or an open file read to its end.
/// Attach it with `CurlEasy.set(upload:)`.
public final class CurlUpload {
    private enum Source {
        case bytes([UInt8])
        case file(Int32)
    }

    private let source: Source
    private var offset = 0
    /// `errno` of a failed read of the file; the transfer was aborted.
    public private(set) var readErrno: Int32?

    public init(bytes: [UInt8]) { source = .bytes(bytes) }

    /// Reads `fileDescriptor` from its current position; the caller keeps it open across `perform()` and closes it.
    public init(fileDescriptor: Int32) { source = .file(fileDescriptor) }

    /// Copies up to `count` bytes into `buffer`: the number copied (0 at the end), or nil when the file read failed.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int? {
        switch source {
        case .bytes(let bytes):
            let n = min(count, bytes.count - offset)
            guard n > 0 else { return 0 }
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
            offset += n
            return n
        case .file(let fd):
            do {
                return try Posix.read(fd, into: buffer, count: count)
            } catch {
                readErrno = error.errno
                return nil
            }
        }
    }

    static let readCallback: CCurl_data_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return CCurl_readfunc_abort() }
        return CurlEasy.context(userdata, as: CurlUpload.self).read(into: buffer, count: size * count)
            ?? CCurl_readfunc_abort()
    }
}
