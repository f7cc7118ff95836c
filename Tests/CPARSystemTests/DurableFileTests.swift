import CPARTestSupport
import Foundation
import Glibc
import Testing
@testable import CPARSystem

/// The durable writer: whole or absent, exact modes, no temporary file left on any error path.
@Suite(.serialized) struct DurableFileTests {
    private func mode(_ path: String) throws -> mode_t { try Posix.stat(path).st_mode & 0o7777 }

    private func entries(_ dir: String) throws -> [String] { try Posix.listDirectory(dir).sorted() }

    @Test func writesTheBytesAndLeavesOnlyTheFinalFile() throws {
        let dir = try TempDirectory()
        let path = dir.file("out.csv")
        try DurableFile.write("a,b\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n")
        #expect(try entries(dir.path) == ["out.csv"])
        // Replacing keeps one file.
        try DurableFile.write("c\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "c\n")
        #expect(try entries(dir.path) == ["out.csv"])
    }

    /// umask is per process: 000 only widens what other tests running meanwhile create, so it is safe here (the
    /// CLI suite checks the same under umask 000 in a child process).
    @Test func modesAreExactWhateverTheUmask() throws {
        let dir = try TempDirectory()
        let old = umask(0)
        defer { umask(old) }
        try DurableFile.write("x", to: dir.file("private"))
        try DurableFile.write("x", to: dir.file("report.html"), mode: 0o640)
        try DurableFile.write("x", to: dir.file("metrics.prom"), mode: 0o644)
        #expect(try mode(dir.file("private")) == 0o600)
        #expect(try mode(dir.file("report.html")) == 0o640)
        #expect(try mode(dir.file("metrics.prom")) == 0o644)
        try Posix.makeDirectory(dir.file("spool"), mode: 0o770)
        #expect(try mode(dir.file("spool")) == 0o770)
    }

    @Test func aDiscardedOrDroppedFileLeavesNothing() throws {
        let dir = try TempDirectory()
        let file = try DurableFile(creating: dir.file("a"))
        try file.write(Array("patient data".utf8))
        file.discard()
        do {
            let dropped = try DurableFile(creating: dir.file("b"))
            try dropped.write(Array("patient data".utf8))
        }
        #expect(try entries(dir.path) == [])
    }

    @Test func aFullDiskFailsWithNoSpaceAndLeavesNoTemporaryFile() throws {
        let disk = try SmallMount(bytes: 64 * 1024)
        defer { disk.unmount() }
        let big = [UInt8](repeating: 0x41, count: 1 << 20)
        #expect {
            try DurableFile.write(big, to: disk.file("payload.xml"))
        } throws: { error in
            (error as? SystemError)?.code == .noSpace && (error as? SystemError)?.call == "write"
        }
        #expect(try entries(disk.path) == [])
        // A previous good copy survives a failed replacement.
        try DurableFile.write("old", to: disk.file("keep"))
        #expect(throws: SystemError.self) { try DurableFile.write(big, to: disk.file("keep")) }
        #expect(try String(contentsOfFile: disk.file("keep"), encoding: .utf8) == "old")
        #expect(try entries(disk.path) == ["keep"])
    }

    @Test func aReadOnlyFileSystemIsATypedErrorNamingThePath() throws {
        let disk = try SmallMount(bytes: 64 * 1024)
        defer { disk.unmount() }
        try disk.makeReadOnly()
        #expect {
            try DurableFile.write("x", to: disk.file("m.prom"))
        } throws: { error in
            guard let e = error as? SystemError else { return false }
            return e.code == .readOnlyFileSystem && e.call == "open" && e.path.hasPrefix(disk.path + "/.m.prom.")
                && e.description.contains("Read-only file system")
        }
        #expect(try entries(disk.path) == [])
    }

    @Test func aFixedTemporaryNameReplacesAStaleOne() throws {
        let dir = try TempDirectory()
        try dir.write("x.xml.tmp", "stale")
        chmod(dir.file("x.xml.tmp"), 0o644)
        let file = try DurableFile(creating: dir.file("x.xml"), temporaryPath: dir.file("x.xml.tmp"))
        try file.write(Array("new".utf8))
        try file.commit()
        #expect(try entries(dir.path) == ["x.xml"])
        #expect(try mode(dir.file("x.xml")) == 0o600)
    }

    @Test func aLongNameStillGetsATemporaryNameWithinNameMax() throws {
        let dir = try TempDirectory()
        let name = String(repeating: "é", count: 127)   // 254 bytes
        try DurableFile.write("x", to: dir.file(name))
        #expect(try entries(dir.path) == [name])
        #expect(DurableFile.uniqueTemporaryName(for: dir.file(name)).split(separator: "/").last!.utf8.count <= 255)
    }

    @Test func aMissingDirectoryIsNotFound() throws {
        let dir = try TempDirectory()
        #expect {
            try DurableFile.write("x", to: dir.file("no/such/file"))
        } throws: { ($0 as? SystemError)?.code == .notFound }
    }
}

@Suite struct PosixTests {
    @Test func errorsCarryTheCallThePathAndErrno() {
        #expect {
            _ = try Posix.open("/nonexistent/cpard", O_RDONLY)
        } throws: { error in
            let e = error as? SystemError
            return e == SystemError(call: "open", path: "/nonexistent/cpard", errno: ENOENT)
                && e?.description == "/nonexistent/cpard: open failed: No such file or directory (errno 2)"
        }
    }

    @Test func unlinkOfAMissingFileIsFineUnlessAsked() throws {
        try Posix.unlink("/nonexistent/cpard")
        #expect(throws: SystemError.self) { try Posix.unlink("/nonexistent/cpard", missingOK: false) }
    }

    @Test func makeDirectoryRefusesAFileInTheWay() throws {
        let dir = try TempDirectory()
        try dir.write("f", "x")
        #expect { try Posix.makeDirectory(dir.file("f")) } throws: { ($0 as? SystemError)?.code == .notDirectory }
        try Posix.makeDirectories(dir.file("a/b/c"), mode: 0o750)
        #expect(try Posix.stat(dir.file("a/b/c")).st_mode & 0o7777 == 0o750)
    }

    @Test func callRetriesEINTR() throws {
        var calls = 0
        let result = try Posix.call("fake") { () -> Int32 in
            calls += 1
            if calls < 3 { errno = EINTR; return -1 }
            return 7
        }
        #expect(result == 7 && calls == 3)
    }
}
