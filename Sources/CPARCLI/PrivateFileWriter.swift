import Foundation

/// A buffered CSV writer for files that hold patient data: created 0600, written to a temporary name and renamed.
final class PrivateFileWriter {
    private let path: String
    private let temp: String
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        temp = path + ".tmp-\(getpid())"
        fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CommandFailure("cannot create \(path): \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(1 << 16)
    }

    func row(_ fields: [String]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                buffer.append(UInt8(ascii: "\""))
                buffer.append(contentsOf: field.replacingOccurrences(of: "\"", with: "\"\"").utf8)
                buffer.append(UInt8(ascii: "\""))
            } else {
                buffer.append(contentsOf: field.utf8)
            }
        }
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { try? flush() }
    }

    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        defer { Glibc.close(fd) }
        try flush()
        guard fsync(fd) == 0, rename(temp, path) == 0 else {
            unlink(temp)
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
