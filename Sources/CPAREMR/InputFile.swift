import CPARSystem
import Glibc

/// A read-only EMR file, read through `FileWindow`s at explicit offsets, so several workers share one descriptor.
final class InputFile: Sendable {
    let path: String
    /// The file's size when it was opened; reading stops there even if the file grows.
    let size: Int
    private let fd: Int32

    /// Opens `path` without blocking (a FIFO in the EMR directory must not hang cpard) and refuses anything but a
    /// regular file, naming what it found.
    init(path: String) throws(EMRError) {
        self.path = path
        let fd: Int32
        do {
            fd = try Posix.open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY)
        } catch {
            if error.code == .notFound { throw .missingFile(path) }
            throw .unreadable(file: path, message: "cannot open: " + error.reason)
        }
        let info: stat
        do {
            info = try Posix.fstat(fd, path: path)
        } catch {
            Posix.closeQuietly(fd)
            throw .unreadable(file: path, message: "cannot stat: " + error.reason)
        }
        if let kind = InputFile.kindProblem(info.st_mode) {
            Posix.closeQuietly(fd)
            throw .unreadable(file: path, message: "is \(kind), not a regular file")
        }
        self.fd = fd
        self.size = Int(info.st_size)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    /// What a file is when it is not a regular file ("a directory", "a FIFO (named pipe)", …), else nil.
    static func kindProblem(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "an unusual file"
        }
    }

    deinit { Posix.closeQuietly(fd) }

    /// A window onto the file showing up to `maxCount` bytes at a time (see `FileWindow`).
    func window(maxCount: Int) throws(EMRError) -> FileWindow {
        do {
            return try FileWindow(fd: fd, path: path, fileSize: size, maxCount: max(1, maxCount))
        } catch {
            throw .unreadable(file: path, message: "cannot map: " + error.reason)
        }
    }

    /// The file's bytes `offset..<offset + count`, clipped to its size.
    func bytes(at offset: Int, count: Int) throws(EMRError) -> [UInt8] {
        let count = max(0, min(count, size - offset))
        guard count > 0 else { return [] }
        let window = try window(maxCount: count)
        let start = try move(window, to: offset, count: count)
        let result = Array(UnsafeBufferPointer(start: start, count: count))
        try checkIntact(window)
        return result
    }

    /// The offset just past the first LF at or after `offset`, or `size` when there is none.
    func offsetAfterNewline(from offset: Int) throws(EMRError) -> Int {
        let chunk = 1 << 20
        let window = try window(maxCount: chunk)
        var at = offset
        while at < size {
            let count = min(chunk, size - at)
            let start = try move(window, to: at, count: count)
            let hit = memchr(start, 0x0A, count)
            try checkIntact(window)
            if let hit { return at + (UnsafeRawPointer(hit) - UnsafeRawPointer(start)) + 1 }
            at += count
        }
        return size
    }

    /// Throws when the file shrank under `window` (one of this file's): what was read there is not the file.
    func checkIntact(_ window: FileWindow) throws(EMRError) {
        if window.damaged {
            throw .unreadable(file: path, message: "the file shrank while it was being read (was the EMR export "
                + "still writing it?); nothing was taken from it; run again once the export is complete")
        }
    }

    /// Moves `window` (one of this file's) to show `offset..<offset + count`.
    func move(_ window: FileWindow, to offset: Int, count: Int) throws(EMRError) -> UnsafePointer<UInt8> {
        do {
            return try window.move(to: offset, count: count)
        } catch {
            throw .unreadable(file: path, message: "cannot map: " + error.reason)
        }
    }

}
