import CPARCore
import CPARService
import CPARStore
import Foundation
import Glibc
import Testing

/// Issue 8 items 5 and 8, SPEC §15: rejected spool files keep every copy whatever their names; a name too long to
/// extend is shortened, never stuck in `active/`, always with its `.reason`.
@Suite struct SpoolIntakeTests {
    final class Fixture {
        let dir: String
        let runtime: Runtime
        var incoming: String { runtime.config.incomingDir }
        var rejected: String { runtime.config.rejectedDir }
        var active: String { runtime.config.spoolDir + "/active" }

        init(sink: @escaping @Sendable (String) -> Void = { _ in }) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpard-spool-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let config = try ConfigParser.parse("emr.data_dir = emr\nstate.dir = state\nspool.dir = spool\nblackout.enabled = false\n",
                                                file: dir + "/cpard.conf")
            runtime = try Runtime(config: config, log: Logger(level: .info, journal: true, sink: sink),
                                  transport: UnconfiguredRegistry())
            try runtime.spool.prepareDirectories()
        }

        deinit { try? FileManager.default.removeItem(atPath: dir) }

        func drop(_ name: String, _ text: String = "panel = 4242\n") throws {
            // Writers write a dotfile, then rename.
            try text.write(toFile: incoming + "/.tmp", atomically: false, encoding: .utf8)
            #expect(rename(incoming + "/.tmp", incoming + "/" + name) == 0, "\(name): \(errno)")
        }

        func list(_ dir: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }
    }

    @Test func rejectedFilesOfOneNameNeverOverwriteEachOther() throws {
        let f = try Fixture()
        for i in 0..<6 {
            try f.drop("same.request", "panel = \(4000 + i)\n")
            let result = try f.runtime.spool.scan()
            #expect(result.rejected == 1)
        }
        let names = try f.list(f.rejected)
        let copies = names.filter { !$0.hasSuffix(".reason") }
        #expect(copies.count == 6, "\(names)")
        #expect(names.count == 12, "every copy has its .reason: \(names)")
        // Each copy still holds its own request, and its reason names the original file.
        let panels = try Set(copies.map { try String(contentsOfFile: f.rejected + "/" + $0, encoding: .utf8) })
        #expect(panels.count == 6)
        for copy in copies {
            let reason = try String(contentsOfFile: f.rejected + "/" + copy + ".reason", encoding: .utf8)
            #expect(reason.hasPrefix("same.request: "))
        }
        #expect(try f.list(f.incoming).isEmpty && f.list(f.active).isEmpty)
    }

    /// A person may name a request file after a patient: the name is scrubbed before it is logged or stored as
    /// `requested_by` (taken and rejected alike).
    @Test func fileNamesHoldingAPHNOrADateAreNeverLoggedOrStored() throws {
        final class Lines: @unchecked Sendable {   // @unchecked: `all` is touched only under `lock`.
            let lock = NSLock(); var all: [String] = []
        }
        let lines = Lines()
        let f = try Fixture(sink: { line in lines.lock.withLock { lines.all.append(line) } })
        _ = try f.runtime.store.insertPanel(Panel(name: "Osler", number: "1001", facilityIDs: ["1"], practitionerIDs: ["DR1"]))
        try f.drop("9876543210-1970-01-02.request", "panel = 1001\n")
        try f.drop("smith 987 654 321.request", "panel = 4242\n")
        let result = try f.runtime.spool.scan()
        #expect(result.taken == 1 && result.rejected == 1)
        let log = lines.lock.withLock { lines.all.joined(separator: "\n") }
        #expect(log.contains("spool.taken") && log.contains("spool.rejected"), "\(log)")
        for secret in ["9876543210", "1970-01-02", "987 654 321"] {
            #expect(!log.contains(secret), "\(secret) in the log: \(log)")
        }
        let stored = try f.runtime.store.submissions(status: .queued).compactMap(\.requestedBy)
        #expect(stored.count == 1 && stored.allSatisfy { $0.hasPrefix("spool:") && !$0.contains("9876543210") }, "\(stored)")
    }

    @Test(arguments: [247, 248, 249, 250, 254, 255])
    func longNamesAreShortenedNeverStuck(length: Int) throws {
        let f = try Fixture()
        let name = String(repeating: "n", count: length - ".request".count) + ".request"
        #expect(name.utf8.count == length)
        for _ in 0..<3 {
            try f.drop(name)
            #expect(try f.runtime.spool.scan().rejected == 1)
            #expect(try f.list(f.active).isEmpty, "nothing stays in active/")
        }
        let names = try f.list(f.rejected)
        let copies = names.filter { !$0.hasSuffix(".reason") }
        #expect(copies.count == 3, "\(names.map(\.utf8.count))")
        for copy in copies {
            #expect(copy.utf8.count <= 248)
            #expect(names.contains(copy + ".reason"))
        }
    }

    @Test func aLongMultibyteNameIsCutAtACharacterBoundary() throws {
        let f = try Fixture()
        let name = String(repeating: "é", count: 123) + ".request"   // 246 + 8 = 254 bytes
        try f.drop(name)
        try f.drop(name + "")   // replaced: same name again after the first is taken
        _ = try f.runtime.spool.scan()
        try f.drop(name)
        _ = try f.runtime.spool.scan()
        let names = try f.list(f.rejected)
        #expect(names.count == 4, "\(names)")
        for n in names { #expect(n.utf8.count <= 255 && String(validating: Array(n.utf8), as: UTF8.self) != nil) }
    }

    @Test func aDirectoryInIncomingIsRejectedNotStuck() throws {
        let f = try Fixture()
        for _ in 0..<2 {
            try FileManager.default.createDirectory(atPath: f.incoming + "/dir.request", withIntermediateDirectories: false)
            _ = try f.runtime.spool.scan()
        }
        let names = try f.list(f.rejected)
        #expect(names == ["dir.request", "dir.request.1", "dir.request.1.reason", "dir.request.reason"], "\(names)")
    }

    @Test func spoolDirectoriesGetExactModesWhateverTheUmask() throws {
        let old = umask(0)
        defer { umask(old) }
        let f = try Fixture()
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(f.incoming) == 0o770)
        #expect(try mode(f.active) == 0o750)
        #expect(try mode(f.rejected) == 0o750)
        try f.drop("bad.request")
        _ = try f.runtime.spool.scan()
        #expect(try mode(f.rejected + "/bad.request.reason") == 0o640)
    }
}
