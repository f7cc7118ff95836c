import CPARCore
import CPARCrypto
import CPARSystem
import CLibXML2

/// Where libxml2's writer sends its bytes: into memory, or to a file descriptor through a large buffer,
/// hashing them with SHA-256 on the way.
final class PayloadOutput {
    private let fd: Int32
    private let path: String
    private let capacity: Int
    private let buffer: UnsafeMutableRawPointer
    private var used = 0
    private(set) var memory: [UInt8] = []
    private(set) var byteCount = 0
    private var hasher = SHA256()
    private let hashing: Bool
    /// The first failure; once set, every further write fails.
    private(set) var failure: PayloadError?

    /// Collects the bytes in `memory`, reserving `expectedSize` up front.
    init(expectedSize: Int = 0) {
        fd = -1; path = ""; capacity = 0; hashing = false
        buffer = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 8)
        memory.reserveCapacity(expectedSize)
    }

    /// Writes to `fd` (not closed here), hashing unless told not to; `path` is for messages.
    init(fd: Int32, path: String, hashing: Bool = true, bufferSize: Int = 1 << 16) {
        self.fd = fd; self.path = path; capacity = bufferSize; self.hashing = hashing
        buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 64)
    }

    deinit { buffer.deallocate() }

    func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard failure == nil else { return false }
        byteCount += bytes.count
        if fd < 0 {
            memory.append(contentsOf: bytes)
            return true
        }
        guard var p = bytes.baseAddress else { return true }
        var n = bytes.count
        while n > 0 {
            if used == 0 && n >= capacity {
                // Large chunk: skip the copy.
                let direct = n - n % capacity
                if hashing { hasher.update(UnsafeRawBufferPointer(start: p, count: direct)) }
                guard writeAll(p, direct) else { return false }
                p += direct; n -= direct
                continue
            }
            let take = min(capacity - used, n)
            (buffer + used).copyMemory(from: p, byteCount: take)
            used += take; p += take; n -= take
            if used == capacity, !flushBuffer() { return false }
        }
        return true
    }

    /// Writes out whatever is buffered.
    func finish() throws(PayloadError) {
        if fd >= 0, failure == nil { _ = flushBuffer() }
        if let failure { throw failure }
    }

    /// Lower-case hex SHA-256 of everything written (file mode with hashing; else empty). Call once, after `finish()`.
    func sha256Hex() -> String { hashing ? SHA256.hex(hasher.finalize()) : "" }

    private func flushBuffer() -> Bool {
        guard used > 0 else { return true }
        if hashing { hasher.update(UnsafeRawBufferPointer(start: buffer, count: used)) }
        let ok = writeAll(UnsafeRawPointer(buffer), used)
        used = 0
        return ok
    }

    private func writeAll(_ start: UnsafeRawPointer, _ count: Int) -> Bool {
        do {
            try Posix.writeAll(fd, UnsafeRawBufferPointer(start: start, count: count), path: path)
            return true
        } catch {
            failure = PayloadError(error)
            return false
        }
    }

    /// A libxml2 output buffer feeding this object. The caller keeps `self` alive while it is in use.
    func makeOutputBuffer() -> xmlOutputBufferPtr? {
        xmlOutputBufferCreateIO(PayloadOutput.writeCallback, nil, Unmanaged.passUnretained(self).toOpaque(), nil)
    }

    private static let writeCallback: xmlOutputWriteCallback = { context, bytes, length in
        guard let context else { return -1 }
        let output = Unmanaged<PayloadOutput>.fromOpaque(context).takeUnretainedValue()
        guard length > 0, let bytes else { return 0 }
        return output.append(UnsafeRawBufferPointer(start: bytes, count: Int(length))) ? length : -1
    }
}
