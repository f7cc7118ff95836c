import Foundation

/// Delivers messages into `<root>/<recipient>/{tmp,new,cur}` (Maildir), crash-safe and idempotent.
public struct MaildirDelivery: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// The directory name used for `recipient`: characters other than letters, digits and `@ . _ + - =`
    /// become `_`, and a leading `.` becomes `_` (so no path separator, `..` or hidden directory).
    public static func directoryName(for recipient: String) -> String {
        var name = String(String.UnicodeScalarView(recipient.unicodeScalars.map { scalar in
            let ok = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "@._+-=".unicodeScalars.contains(scalar))
            return ok ? scalar : "_"
        }))
        if name.isEmpty { name = "_" }
        if name.hasPrefix(".") { name = "_" + name.dropFirst() }
        return name
    }

    /// `<root>/<recipient directory>`.
    public func mailbox(for recipient: String) -> String { root + "/" + Self.directoryName(for: recipient) }

    /// Writes `tmp/<uniqueName>` (0600), fsyncs it, renames it to `new/<uniqueName>` and fsyncs `new/`.
    /// Does nothing when `<uniqueName>` is already in `new/` or `cur/` (also as `<uniqueName>:2,<flags>`).
    /// - Returns: the message's path (the existing one when already delivered).
    @discardableResult
    public func deliver(recipient: String, uniqueName: String, message: [UInt8]) throws(NoticeError) -> String {
        guard !uniqueName.isEmpty, !uniqueName.hasPrefix("."),
              !uniqueName.unicodeScalars.contains(where: { $0 == "/" || $0 == ":" || $0.value < 0x20 || $0.value == 0x7F })
        else { throw .invalidUniqueName }
        let box = mailbox(for: recipient)
        for dir in [root, box, box + "/tmp", box + "/new", box + "/cur"] { try makeDirectory(dir) }

        if let existing = try existingMessage(in: box, named: uniqueName) { return existing }

        let tmpPath = box + "/tmp/" + uniqueName
        let newPath = box + "/new/" + uniqueName
        let fd = open(tmpPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io(operation: "create", path: tmpPath, errno: errno) }
        do throws(NoticeError) {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw NoticeError.io(operation: "chmod", path: tmpPath, errno: errno) }
            try writeAll(fd, message, path: tmpPath)
            guard fsync(fd) == 0 else { throw NoticeError.io(operation: "fsync", path: tmpPath, errno: errno) }
        } catch {
            unlink(tmpPath)
            throw error
        }
        guard rename(tmpPath, newPath) == 0 else {
            let saved = errno
            unlink(tmpPath)
            throw .io(operation: "rename into", path: newPath, errno: saved)
        }
        try syncDirectory(box + "/new")
        return newPath
    }

    private func existingMessage(in box: String, named name: String) throws(NoticeError) -> String? {
        for candidate in [box + "/new/" + name, box + "/cur/" + name] where access(candidate, F_OK) == 0 {
            return candidate
        }
        guard let dir = opendir(box + "/cur") else { throw .io(operation: "open", path: box + "/cur", errno: errno) }
        defer { closedir(dir) }
        let flagged = name + ":2,"
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if entryName.hasPrefix(flagged) { return box + "/cur/" + entryName }
        }
        return nil
    }

    private func makeDirectory(_ path: String) throws(NoticeError) {
        if mkdir(path, 0o700) == 0 { return }
        let saved = errno
        var info = stat()
        guard saved == EEXIST, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .io(operation: "create directory", path: path, errno: saved == EEXIST ? ENOTDIR : saved)
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(NoticeError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: path, errno: errno)
            }
            offset += n
        }
    }

    private func syncDirectory(_ path: String) throws(NoticeError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
    }
}
