import CPARSystem
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

        let newPath = box + "/new/" + uniqueName
        do {
            // Maildir's protocol: written under tmp/, renamed into new/.
            let file = try DurableFile(creating: newPath, mode: 0o600, temporaryPath: box + "/tmp/" + uniqueName)
            try file.write(message)
            try file.commit()
        } catch {
            throw NoticeError(error)
        }
        return newPath
    }

    private func existingMessage(in box: String, named name: String) throws(NoticeError) -> String? {
        for candidate in [box + "/new/" + name, box + "/cur/" + name] where Posix.exists(candidate) {
            return candidate
        }
        let flagged = name + ":2,"
        do {
            return try Posix.listDirectory(box + "/cur").first { $0.hasPrefix(flagged) }.map { box + "/cur/" + $0 }
        } catch {
            throw NoticeError(error)
        }
    }

    private func makeDirectory(_ path: String) throws(NoticeError) {
        do { try Posix.makeDirectory(path, mode: 0o700) } catch { throw NoticeError(error) }
    }
}
