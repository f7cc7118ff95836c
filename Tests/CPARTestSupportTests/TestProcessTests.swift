import CPARTestSupport
import Foundation
import Testing

@Suite struct TestProcessTests {
    /// Started from a thread that blocks SIGTERM, the child still dies of SIGTERM (not of the SIGKILL fallback).
    @Test func stopTerminatesAChildStartedWhileSIGTERMIsBlocked() throws {
        let dir = try TempDirectory()
        let child = try withBlockedSignals { try TestProcess("/bin/sleep", ["60"], logPath: dir.file("sleep.log")) }
        #expect(child.isRunning)
        let status = try String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)
        #expect(blockedSignalsLine(status) == "SigBlk:\t0000000000000000")
        child.stop()
        #expect(!child.isRunning)
        #expect(child.process.terminationReason == .uncaughtSignal)
        #expect(child.process.terminationStatus == SIGTERM)
    }

    @Test func logHoldsStdoutAndStderr() throws {
        let dir = try TempDirectory()
        let child = try TestProcess("/bin/sh", ["-c", "echo to-out; echo to-err >&2"], logPath: dir.file("sh.log"))
        #expect(child.waitForLog("to-err"))
        #expect(child.waitForExit(timeout: 20))
        #expect(child.log.contains("to-out") && child.log.contains("to-err"))
        #expect(child.process.terminationStatus == 0)
        #expect(!child.waitForLog("never printed", timeout: 0.1))
    }
}
