#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only file read with `pread` at explicit offsets, so several workers can share one descriptor.
final class InputFile: Sendable {
    let path: String
    /// The file's size when it was opened; reading stops there even if the file grows.
    let size: Int
    private let fd: Int32

    init(path: String) throws(EMRError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { throw .missingFile(path) }
            throw .unreadable(file: path, message: "cannot open: " + InputFile.errorText(code))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .unreadable(file: path, message: "cannot stat: " + InputFile.errorText(code))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .unreadable(file: path, message: "not a regular file")
        }
        self.fd = fd
        self.size = Int(info.st_size)
        #if canImport(Glibc)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
    }

    deinit { close(fd) }

    /// Reads up to `count` bytes at `offset` (never past `size`); returns how many were read (0 at the end).
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int) throws(EMRError) -> Int {
        let wanted = min(count, size - offset)
        var done = 0
        while done < wanted {
            let got = pread(fd, buffer + done, wanted - done, off_t(offset + done))
            if got > 0 {
                done += got
            } else if got == 0 {
                break  // the file shrank while we read it
            } else if errno != EINTR {
                throw .unreadable(file: path, message: "read failed: " + InputFile.errorText(errno))
            }
        }
        return done
    }

    /// The offset just past the first LF at or after `offset`, or `size` when there is none.
    func offsetAfterNewline(from offset: Int) throws(EMRError) -> Int {
        let chunk = 64 * 1024
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var at = offset
        while at < size {
            let got = try read(into: buffer, count: chunk, at: at)
            if got == 0 { break }
            if let hit = memchr(buffer, 0x0A, got) {
                return at + (UnsafeMutableRawPointer(hit) - UnsafeMutableRawPointer(buffer)) + 1
            }
            at += got
        }
        return size
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
