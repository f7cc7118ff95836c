import CPARNotices
import CPARTestSupport
import Foundation
import Testing

@Suite struct MaildirDeliveryTests {
    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    private func list(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    @Test func deliversIntoNewThroughTmp() throws {
        let dir = try TempDirectory()
        let root = dir.file("maildir")
        let maildir = MaildirDelivery(root: root)
        let message = Array("Subject: x\r\n\r\nbody\r\n".utf8)
        let path = try maildir.deliver(recipient: "ops@clinic.example", uniqueName: "1732217340.n7.cpard", message: message)
        let box = root + "/ops@clinic.example"
        #expect(path == box + "/new/1732217340.n7.cpard")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == message)
        #expect(try list(box) == ["cur", "new", "tmp"])
        #expect(try list(box + "/tmp").isEmpty)
        #expect(try list(box + "/cur").isEmpty)
        #expect(try mode(path) == 0o600)
        for d in [root, box, box + "/tmp", box + "/new", box + "/cur"] { #expect(try mode(d) == 0o700, "\(d)") }
    }

    @Test func redeliveryIsANoOp() throws {
        let dir = try TempDirectory()
        let maildir = MaildirDelivery(root: dir.path)
        let first = try maildir.deliver(recipient: "ops", uniqueName: "n1", message: Array("first".utf8))
        let again = try maildir.deliver(recipient: "ops", uniqueName: "n1", message: Array("second".utf8))
        #expect(again == first)
        #expect(try String(contentsOfFile: first, encoding: .utf8) == "first")
        #expect(try list(dir.path + "/ops/new") == ["n1"])
    }

    @Test func aMessageAlreadyReadIsNotDeliveredAgain() throws {
        let dir = try TempDirectory()
        let maildir = MaildirDelivery(root: dir.path)
        let box = dir.path + "/ops"
        let path = try maildir.deliver(recipient: "ops", uniqueName: "n1", message: Array("m".utf8))
        // A mail reader moves it to cur/ and adds flags.
        try FileManager.default.moveItem(atPath: path, toPath: box + "/cur/n1:2,S")
        #expect(try maildir.deliver(recipient: "ops", uniqueName: "n1", message: Array("m".utf8)) == box + "/cur/n1:2,S")
        #expect(try list(box + "/new").isEmpty)
        // ... or without flags.
        try FileManager.default.moveItem(atPath: box + "/cur/n1:2,S", toPath: box + "/cur/n1")
        #expect(try maildir.deliver(recipient: "ops", uniqueName: "n1", message: Array("m".utf8)) == box + "/cur/n1")
        #expect(try list(box + "/new").isEmpty)
        // A different name is a different message.
        _ = try maildir.deliver(recipient: "ops", uniqueName: "n10", message: Array("m".utf8))
        #expect(try list(box + "/new") == ["n10"])
    }

    @Test func leftoverTmpFileFromACrashIsReplaced() throws {
        let dir = try TempDirectory()
        let maildir = MaildirDelivery(root: dir.path)
        _ = try maildir.deliver(recipient: "ops", uniqueName: "other", message: [])
        try Data("partial".utf8).write(to: URL(fileURLWithPath: dir.path + "/ops/tmp/n1"))
        let path = try maildir.deliver(recipient: "ops", uniqueName: "n1", message: Array("whole".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "whole")
        #expect(try list(dir.path + "/ops/tmp").isEmpty)
    }

    @Test func recipientBecomesASafeDirectoryName() throws {
        #expect(MaildirDelivery.directoryName(for: "Dr. Smith <smith@clinic.example>") == "Dr._Smith__smith@clinic.example_")
        #expect(MaildirDelivery.directoryName(for: "../../etc/passwd") == "_._.._etc_passwd")
        #expect(MaildirDelivery.directoryName(for: ".hidden") == "_hidden")
        #expect(MaildirDelivery.directoryName(for: "") == "_")
        #expect(MaildirDelivery.directoryName(for: "ñoño@x") == "_o_o@x")
        let dir = try TempDirectory()
        let path = try MaildirDelivery(root: dir.file("md")).deliver(recipient: "../escape", uniqueName: "n", message: [])
        #expect(path == dir.file("md") + "/_._escape/new/n")
        #expect(!FileManager.default.fileExists(atPath: dir.file("escape")))
    }

    @Test func invalidUniqueNamesAreRefused() throws {
        let dir = try TempDirectory()
        let maildir = MaildirDelivery(root: dir.path)
        for name in ["", ".n", "a/b", "a:2,S", "a\nb"] {
            #expect(throws: NoticeError.invalidUniqueName, "\(name)") {
                try maildir.deliver(recipient: "ops", uniqueName: name, message: [])
            }
        }
    }

    @Test func unwritableRootIsAnIOError() throws {
        let dir = try TempDirectory()
        let blocker = dir.file("file")
        try Data().write(to: URL(fileURLWithPath: blocker))
        #expect(throws: NoticeError.self) {
            try MaildirDelivery(root: blocker + "/md").deliver(recipient: "ops", uniqueName: "n", message: [])
        }
        do {
            _ = try MaildirDelivery(root: blocker).deliver(recipient: "ops", uniqueName: "n", message: [])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("maildir: mkdir \(blocker)"))
        }
    }
}

/// A full disk while delivering a notice: an I/O error naming the file, nothing left in tmp/ or new/, and a later
/// delivery (space back) works.
@Suite(.serialized) struct MaildirDiskFullTests {
    @Test func aFullDiskLeavesNoHalfMessage() throws {
        let disk = try SmallMount(bytes: 64 * 1024)
        defer { disk.unmount() }
        let maildir = MaildirDelivery(root: disk.path + "/maildir")
        let big = [UInt8](repeating: 0x41, count: 256 * 1024)
        #expect {
            try maildir.deliver(recipient: "ops@clinic.example", uniqueName: "n1", message: big)
        } throws: { error in
            guard case .io(let operation, let path, let code)? = error as? NoticeError else { return false }
            return operation == "write" && path.hasSuffix("/tmp/n1") && code == ENOSPC
        }
        let box = maildir.mailbox(for: "ops@clinic.example")
        for sub in ["tmp", "new", "cur"] {
            #expect(try FileManager.default.contentsOfDirectory(atPath: box + "/" + sub).isEmpty, "\(sub)")
        }
        let path = try maildir.deliver(recipient: "ops@clinic.example", uniqueName: "n1", message: Array("small".utf8))
        #expect(path == box + "/new/n1")
    }
}
