import CPARTestSupport
import Foundation
import Testing

@Suite("cpard as a service", .serialized)
struct DaemonTests {
    func setUp(faults: [String: Any] = [:], extra: String = "") throws -> (Harness, RegistrySimulator) {
        try Harness.submittable(faults: faults, extra: "spool.rescan_interval = 1s\n" + extra)
    }

    func status(_ h: Harness) throws -> String? { try h.panelStatus()["status"] as? String }

    func waitForStatus(_ h: Harness, _ wanted: String, timeout: TimeInterval = 20) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try status(h) == wanted { return true }
            usleep(100_000)
        }
        return false
    }

    @Test func readyAfterRecoveryThenStatusAndWatchdog() throws {
        let (h, sim) = try setUp()
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let notify = try NotifySocket(in: h.dir)
        let d = try RunningDaemon(h, notify: notify, environment: ["WATCHDOG_USEC": "200000"])
        defer { d.stop() }
        let messages = notify.wait(timeout: 20) { $0.contains("WATCHDOG=1") }
        let ready = try #require(messages.firstIndex { $0.contains("READY=1") })
        #expect(messages[ready].contains("STATUS="))
        #expect(d.output.contains("event=service.recovered"), "recovery is logged before READY")
        #expect(messages.contains { $0.contains("WATCHDOG=1") })
        #expect(try waitForStatus(h, "Submitted"))
        let later = notify.wait(timeout: 10) { $0.contains("submitted=1") }
        #expect(later.contains { $0.contains("STATUS=") && $0.contains("submitted=1") })
        d.signal(SIGTERM)
        #expect(d.waitForExit(timeout: 10))
        #expect(d.process.terminationStatus == 0)
        #expect(notify.wait(timeout: 1) { _ in false }.contains { $0.contains("STOPPING=1") } || d.output.contains("service.stopping"))
    }

    @Test func oneCpardPerStateDirectory() throws {
        let (h, sim) = try setUp()
        defer { sim.stop(); h.cleanup() }
        let d = try RunningDaemon(h, notify: nil)
        defer { d.stop() }
        #expect(d.waitForLog("event=service.ready"))
        let second = try h.once()
        #expect(second.status != 0)
        #expect(second.stderr.contains("another cpard"))
        d.signal(SIGTERM)
        #expect(d.waitForExit(timeout: 10))
        #expect(try h.once().status == 0, "the lock goes with the process")
    }

    @Test func aStalePIDFileNeverSignalsAnotherProcess() throws {
        let (h, sim) = try setUp()
        defer { sim.stop(); h.cleanup() }
        let bystander = Process()
        bystander.executableURL = URL(fileURLWithPath: "/bin/sleep")
        bystander.arguments = ["30"]
        try bystander.run()
        defer { bystander.terminate() }
        try "\(bystander.processIdentifier)\n".write(to: h.dir.appendingPathComponent("state/cpard.pid"),
                                                      atomically: true, encoding: .utf8)
        #expect(try h.ctl("submit", "--panel", "1001").status == 0)
        usleep(200_000)
        #expect(bystander.isRunning, "cparctl submit nudges only a live cpard holding the lock")
    }

    @Test func sigusr1RequeuesFailedPanels() throws {
        let (h, sim) = try setUp(faults: ["mode": "reject_sync"])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let d = try RunningDaemon(h, notify: nil)
        defer { d.stop() }
        #expect(try waitForStatus(h, "Failed"))
        try sim.setFaults([:])
        d.signal(SIGUSR1)
        #expect(try waitForStatus(h, "Submitted"))
        #expect(d.output.contains("event=queue.requeued"))
        #expect(sim.posts.count == 2)
    }

    /// SPEC §12: the Swift runtime's crash handler pauses threads with SIGUSR1; a signal cpard sends itself (to its
    /// signal thread with pthread_kill, or kill(getpid())) must not re-queue Failed panels.
    @Test(arguments: ["USR1", "USR2"])
    func signalsCpardSendsItselfAreIgnored(signal name: String) throws {
        let (h, sim) = try setUp(faults: ["mode": "reject_sync"])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let d = try RunningDaemon(h, notify: nil, environment: ["CPARD_SELF_SIGNAL": name])
        defer { d.stop() }
        #expect(try waitForStatus(h, "Failed"))
        try sim.setFaults([:])
        let ignored = "event=service.signal_ignored signal=\(name)"
        let deadline = Date().addingTimeInterval(20)
        while d.output.components(separatedBy: ignored).count < 3, Date() < deadline { usleep(50_000) }
        #expect(d.output.components(separatedBy: ignored).count == 3, "both self-sent signals ignored: \(d.output)")
        #expect(!d.output.contains("event=service.signal signal=\(name)"))
        #expect(!d.output.contains("event=queue.requeued"))
        #expect(try status(h) == "Failed")
        // An operator's SIGUSR1 from outside still works.
        d.signal(SIGUSR1)
        #expect(try waitForStatus(h, "Submitted"))
        #expect(sim.posts.count == 2)
    }

    /// SPEC §12: SIGABRT (systemd's watchdog) ends cpard at once, by the signal, without the runtime's backtracer.
    @Test func sigabrtEndsCpardAtOnce() throws {
        let (h, sim) = try setUp()
        defer { sim.stop(); h.cleanup() }
        var environment: [String: String] = [:]
        environment["SWIFT_BACKTRACE"] = "enable=yes"
        let d = try RunningDaemon(h, notify: nil, environment: environment)
        defer { d.stop() }
        #expect(d.waitForLog("event=service.ready"))
        d.signal(SIGABRT)
        #expect(d.waitForExit(timeout: 20))
        #expect(d.process.terminationReason == .uncaughtSignal)
        #expect(d.process.terminationStatus == SIGABRT)
        #expect(!d.output.contains("Backtracing") && !d.output.contains("crashed"), "\(d.output)")
    }

    @Test func sighupReloadsAGoodConfigAndKeepsTheOldOneOnABadConfig() throws {
        let (h, sim) = try setUp()
        defer { sim.stop(); h.cleanup() }
        let d = try RunningDaemon(h, notify: nil)
        defer { d.stop() }
        #expect(d.waitForLog("event=service.ready"))
        let good = try String(contentsOfFile: h.config, encoding: .utf8)
        try (good + "\nlog.level = debug\n").write(toFile: h.config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        #expect(d.waitForLog("event=config.reloaded"))
        try (good + "\nno.such.key = 1\n").write(toFile: h.config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        #expect(d.waitForLog("event=config.reload_failed"))
        #expect(d.output.contains("unknown key"))
        #expect(d.process.isRunning)
        try good.replacingOccurrences(of: "state.dir = state", with: "state.dir = elsewhere")
            .write(toFile: h.config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        #expect(d.waitForLog("state.dir cannot change on reload"))
        try good.write(toFile: h.config, atomically: true, encoding: .utf8)
        try h.ctl("submit", "--panel", "1001")
        #expect(try waitForStatus(h, "Submitted"), "still working with the old configuration")
    }

    @Test func sigtermMidSendStopsWithinShutdownTimeoutAndStateStaysConsistent() throws {
        let (h, sim) = try setUp(faults: ["slow_seconds": 30], extra: "shutdown_timeout = 2s")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let d = try RunningDaemon(h, notify: nil)
        defer { d.stop() }
        #expect(d.waitForLog("event=submission.sending"))
        let posted = Date().addingTimeInterval(60)
        while sim.posts.isEmpty && Date() < posted { usleep(50_000) }
        #expect(!sim.posts.isEmpty, "the POST is in flight when SIGTERM comes")
        let start = Date()
        d.signal(SIGTERM)
        #expect(d.waitForExit(timeout: 10))
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(try status(h) == "Queued")
        try sim.setFaults([:])
        #expect(try h.run("cpard", ["--once", "--config", h.config]).status == 0)
        #expect(try status(h) == "Submitted")
        #expect(Set(sim.posts.compactMap { $0["idempotency_key"] as? String }).count == 1)
    }

    @Test func spoolDropsAreTakenAndBadOnesRejectedWithAReason() throws {
        let (h, sim) = try setUp()
        defer { sim.stop(); h.cleanup() }
        let incoming = h.dir.appendingPathComponent("spool/incoming")
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        func drop(_ name: String, _ text: String) throws {
            let tmp = incoming.appendingPathComponent(".\(name)")
            try text.write(to: tmp, atomically: false, encoding: .utf8)
            _ = rename(tmp.path, incoming.appendingPathComponent(name).path)
        }
        try drop("good.request", "panel = 1001\nreason = fixed PHNs\nrequested_by = ops\n")
        try drop("unknown.request", "panel = 999\n")
        try drop("malformed.request", "this is not a request\n")
        try drop("nokey.request", "reason = x\n")
        try Data([0xff, 0xfe, 0x00]).write(to: incoming.appendingPathComponent("binary.request"))
        try Data(repeating: 0x61, count: 70_000).write(to: incoming.appendingPathComponent("huge.request"))
        try FileManager.default.createDirectory(at: incoming.appendingPathComponent("dir.request"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: incoming.appendingPathComponent("link.request").path,
                                                   withDestinationPath: "/etc/passwd")
        try "panel = 1001\n".write(to: incoming.appendingPathComponent(".hidden.request"), atomically: true, encoding: .utf8)
        let d = try RunningDaemon(h, notify: nil)
        defer { d.stop() }
        #expect(try waitForStatus(h, "Submitted"))
        let rejected = h.dir.appendingPathComponent("spool/rejected")
        for name in ["unknown", "malformed", "nokey", "binary", "huge", "dir", "link"] {
            let reason = rejected.appendingPathComponent("\(name).request.reason")
            #expect(FileManager.default.fileExists(atPath: reason.path), "\(name) rejected with a reason")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: incoming.path)
        #expect(left == [".hidden.request"], "good ones are deleted, dotfiles ignored")
        let history = try h.ctl("history", "--json").stdout
        #expect(history.contains("\"requested_by\": \"ops\"") && history.contains("fixed PHNs"))
    }
}
