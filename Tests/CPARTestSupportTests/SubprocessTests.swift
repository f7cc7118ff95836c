import CPARTestSupport
import Foundation
import Testing

@Suite struct SubprocessTests {
    @Test func capturesBothStreamsStatusEnvironmentAndDirectory() throws {
        try withTempDirectory { dir in
            let r = try Subprocess.run("/bin/sh", ["-c", "echo out $X; pwd; echo err >&2; exit 3"],
                                       environment: ["X": "42"], currentDirectory: dir)
            #expect(r.status == 3)
            #expect(r.stdout == "out 42\n" + URL(fileURLWithPath: dir).resolvingSymlinksInPath().path + "\n")
            #expect(r.stderr == "err\n")
            #expect(r.all == r.stdout + r.stderr)
        }
    }

    /// More than a pipe buffer on stderr before anything on stdout: reading one pipe after the other would hang.
    @Test func largeOutputOnBothStreams() throws {
        let r = try Subprocess.run("/bin/sh", ["-c", "head -c 1000000 /dev/zero >&2; head -c 700000 /dev/zero"])
        #expect(r.status == 0)
        #expect(r.stderr.utf8.count == 1_000_000)
        #expect(r.stdout.utf8.count == 700_000)
    }

    @Test func childStartsWithAnEmptySignalMask() throws {
        let r = try withBlockedSignals { try Subprocess.run("/bin/cat", ["/proc/self/status"]) }
        #expect(blockedSignalsLine(r.stdout) == "SigBlk:\t0000000000000000")
        // The control: a plain `Process` started the same way passes the blocked signals on.
        let plain = try withBlockedSignals { () throws -> String in
            let process = Process(), out = Pipe()
            process.executableURL = URL(fileURLWithPath: "/bin/cat")
            process.arguments = ["/proc/self/status"]
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(blockedSignalsLine(plain) != nil)
        #expect(blockedSignalsLine(plain) != "SigBlk:\t0000000000000000")
    }

    @Test func missingExecutableThrows() {
        #expect(throws: (any Error).self) { try Subprocess.run("/no/such/program", []) }
    }
}
