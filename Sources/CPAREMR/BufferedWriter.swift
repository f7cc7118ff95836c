import CPARSystem
import Glibc

/// A streaming file writer with one fixed buffer (sample data is written in flat memory).
final class BufferedWriter {
    let path: String
    private let fd: Int32
    private let capacity = 1 << 20
    private let buf: UnsafeMutablePointer<UInt8>
    private var n = 0
    private(set) var bytesWritten = 0
    private var closed = false

    init(path: String) throws(SampleDataError) {
        self.path = path
        do { fd = try Posix.open(path, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644) } catch {
            throw .io(path: path, message: "cannot create: " + error.reason)
        }
        buf = .allocate(capacity: capacity)
    }

    deinit {
        if !closed { Posix.closeQuietly(fd) }
        buf.deallocate()
    }

    @inline(always)
    func byte(_ b: UInt8) throws(SampleDataError) {
        if n == capacity { try flush() }
        buf[n] = b
        n += 1
    }

    func bytes(_ b: UnsafeBufferPointer<UInt8>) throws(SampleDataError) {
        if n + b.count > capacity { try flush() }
        if b.count > capacity {
            try writeAll(b.baseAddress!, b.count)
            return
        }
        if b.count > 0 { (buf + n).update(from: b.baseAddress!, count: b.count) }
        n += b.count
    }

    func text(_ s: String) throws(SampleDataError) {
        var s = s
        let result: SampleDataError? = s.withUTF8 { b in
            do throws(SampleDataError) { try bytes(b) } catch { return error }
            return nil
        }
        if let result { throw result }
    }

    /// `value` in decimal, zero-padded to `width` digits.
    func digits(_ value: Int, width: Int = 0) throws(SampleDataError) {
        var v = value
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &tmp) { t in
            repeat {
                t[19 - count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            } while v > 0 && count < 20
            while count < min(width, 20) {
                t[19 - count] = 48
                count += 1
            }
        }
        let c = count
        let failure: SampleDataError? = withUnsafeBytes(of: &tmp) { t in
            do throws(SampleDataError) {
                try bytes(UnsafeBufferPointer(start: t.baseAddress!.assumingMemoryBound(to: UInt8.self) + 20 - c,
                                              count: c))
            } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// A CSV field: quoted (with `""` escapes) only when it holds a comma, quote, CR or LF.
    func csvField(_ s: String) throws(SampleDataError) {
        if !s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            try text(s)
            return
        }
        try byte(0x22)
        for b in s.utf8 {
            if b == 0x22 { try byte(0x22) }
            try byte(b)
        }
        try byte(0x22)
    }

    func flush() throws(SampleDataError) {
        try writeAll(buf, n)
        n = 0
    }

    func close() throws(SampleDataError) {
        try flush()
        closed = true
        do { try Posix.close(fd, path: path) } catch { throw .io(path: path, message: "close failed: " + error.reason) }
    }

    private func writeAll(_ p: UnsafePointer<UInt8>, _ count: Int) throws(SampleDataError) {
        do {
            try Posix.writeAll(fd, UnsafeRawBufferPointer(start: p, count: count), path: path)
        } catch {
            throw .io(path: path, message: "write failed: " + error.reason)
        }
        bytesWritten += count
    }
}
