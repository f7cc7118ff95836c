import CPARTestSupport
import Foundation
import Glibc
import Testing

/// SPEC §15 against the real binaries: hostile registry dates, hostile config values, hostile EMR files, a read-only
/// state directory and umask 000. Every command must end (generous deadlines, never a fixed sleep), without a
/// signal, with a message naming the file or line.
@Suite("hostile system", .serialized)
struct HostileSystemTests {
    /// Runs a binary with a deadline: a hang is a failure, not a stuck suite.
    func runWithDeadline(_ h: Harness, _ tool: String, _ args: [String], seconds: TimeInterval = 60,
                         shell umask: String? = nil) throws -> (status: Int32, signalled: Bool, log: String) {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "JOURNAL_STREAM")
        env.removeValue(forKey: "NOTIFY_SOCKET")
        let executable = Harness.binDir.appendingPathComponent(tool).path
        let log = h.dir.appendingPathComponent("run-\(UUID().uuidString).log").path
        let process: TestProcess
        if let umask {
            let command = "umask \(umask); exec \"$0\" \"$@\""
            process = try TestProcess("/bin/sh", ["-c", command, executable] + args, environment: env, logPath: log)
        } else {
            process = try TestProcess(executable, args, environment: env, logPath: log)
        }
        let ended = process.waitForExit(timeout: seconds)
        #expect(ended, "\(tool) \(args.joined(separator: " ")) did not finish within \(Int(seconds)) s")
        if !ended { process.stop() }
        process.process.waitUntilExit()
        return (process.process.terminationStatus, process.process.terminationReason == .uncaughtSignal, process.log)
    }

    // MARK: - Registry (issue 8 item 1)

    @Test(arguments: [
        "Sun, 06 Nov 99999999999999 08:49:37 GMT",
        "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
        "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
        "Sun, 06 Nov 0000 08:49:37 GMT",
    ])
    func aHostileRetryAfterDateIsIgnoredNotFatal(_ value: String) throws {
        let (h, sim) = try Harness.submittable(faults: ["fail_status": 503, "fail_count": 2, "retry_after": value],
                                               extra: "retry.min_backoff = 1s\nretry.max_backoff = 2s\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let first = try runWithDeadline(h, "cpard", ["--once", "--config", h.config])
        #expect(!first.signalled && first.status == 0, "\(first.log)")
        let s = try h.panelStatus()
        #expect(s["status"] as? String == "Queued")
        #expect((s["next_attempt"] as? String) != nil)
        // The next passes send again (the unreadable date is ignored, the backoff applies) and it ends Submitted.
        let deadline = Date().addingTimeInterval(60)
        while try h.panelStatus()["status"] as? String == "Queued", Date() < deadline {
            let again = try runWithDeadline(h, "cpard", ["--once", "--config", h.config])
            #expect(!again.signalled && again.status == 0, "\(again.log)")
            usleep(200_000)
        }
        #expect(try h.panelStatus()["status"] as? String == "Submitted")
    }

    // MARK: - Stored far-future times (issue 8 item 2)

    @Test func statusAndHistoryShowAFarFutureTimeAlreadyStored() throws {
        let (h, sim) = try Harness.submittable()
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let db = h.dir.appendingPathComponent("state/cpard.sqlite").path
        let update = try Subprocess.run("/usr/bin/sqlite3", [db,
            "UPDATE submissions SET next_attempt = 185542587187200, updated = 9223372036854775807"])
        #expect(update.status == 0, "\(update.all)")
        for args in [["status"], ["status", "--json"], ["history"], ["history", "--json"]] {
            let r = try runWithDeadline(h, "cparctl", args + ["--config", h.config])
            #expect(!r.signalled && r.status == 0, "\(args): \(r.log)")
            if args[0] == "status" { #expect(r.log.contains("+5881"), "the far-future year is shown: \(r.log)") }
        }
        let once = try runWithDeadline(h, "cpard", ["--once", "--config", h.config])
        #expect(!once.signalled && once.status == 0, "\(once.log)")
    }

    // MARK: - Config (issue 8 item 2)

    @Test func checkConfigRefusesExtremeValuesWithTheLine() throws {
        let h = try Harness()
        defer { h.cleanup() }
        for line in ["retry.min_backoff = 2147483647d\nretry.max_backoff = 2147483647d",
                     "registry.poll_interval = 2147483647d", "notify.retry_interval = 2147483647d",
                     "registry.timeout = 2147483647d", "registry.url = https://127.0.0.1:99999/",
                     "registry.url = https://[::1", "shutdown_timeout = 400d", "state.payload_retention = 367d"] {
            try h.writeConfig(line)
            let key = String(line.prefix { $0 != " " })
            let r = try runWithDeadline(h, "cpard", ["--check-config", "--config", h.config])
            #expect(r.status == 2, "\(line): \(r.log)")
            #expect(r.log.contains("cpard.conf:6: \(key):"), "\(line): \(r.log)")
        }
        try h.writeConfig("retry.max_backoff = 7d\nretry.min_backoff = 1d\nregistry.timeout = 1h\n"
                          + "registry.url = https://[::1]:8443/cpar\nstate.payload_retention = 366d")
        let ok = try runWithDeadline(h, "cpard", ["--check-config", "--config", h.config])
        #expect(ok.status == 0, "\(ok.log)")
    }

    @Test(arguments: [("", "is empty"), ("\n  \n", "is empty"), ("abc\r\ndef\n", "more than one line"),
                      ("abc\ndef", "more than one line"), ("tok\u{1}en", "control character")])
    func aBadTokenFileIsRefusedNamingIt(content: String, why: String) throws {
        let h = try Harness()
        defer { h.cleanup() }
        let token = h.dir.appendingPathComponent("token").path
        try content.write(toFile: token, atomically: true, encoding: .utf8)
        chmod(token, 0o600)
        try h.writeConfig("registry.url = https://registry.example/\nregistry.token_file = token")
        let r = try runWithDeadline(h, "cpard", ["--check-config", "--config", h.config])
        #expect(r.status == 2, "\(r.log)")
        #expect(r.log.contains(token) && r.log.contains(why), "\(r.log)")
    }

    // MARK: - EMR files that are not regular files (issue 8 item 4)

    enum Kind: String, CaseIterable, Sendable { case fifo, directory, device }

    func plant(_ kind: Kind, at path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        switch kind {
        case .fifo: #expect(mkfifo(path, 0o644) == 0)
        case .directory: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        case .device: try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        }
    }

    @Test(arguments: ["patients.csv", "appointments.csv", "providers.csv"], Kind.allCases)
    func aNonRegularEMRFileIsAClearErrorNotAHang(file: String, kind: Kind) throws {
        let (h, sim) = try Harness.submittable()
        defer { sim.stop(); h.cleanup() }
        let path = h.emr.appendingPathComponent(file).path
        try plant(kind, at: path)
        let what = ["fifo": "FIFO", "directory": "directory", "device": "character device"][kind.rawValue]!
        for args in [["validate"], ["extract", "--all", "--out-dir", h.dir.appendingPathComponent("out").path]] {
            let r = try runWithDeadline(h, "cparctl", args + ["--config", h.config])
            #expect(!r.signalled && r.status != 0, "\(args): \(r.log)")
            #expect(r.log.contains(file) && r.log.contains(what) && r.log.contains("not a regular file"), "\(args): \(r.log)")
        }
        try h.ctl("submit", "--panel", "1001")
        let once = try runWithDeadline(h, "cpard", ["--once", "--config", h.config])
        #expect(!once.signalled, "\(once.log)")
        #expect(once.log.contains(file), "\(once.log)")
    }

    // MARK: - Modes under umask 000 (issue 8 item 9)

    @Test func metricsAndSpoolModesDoNotComeFromTheUmask() throws {
        let (h, sim) = try Harness.submittable(extra: "metrics.textfile = metrics/cpard.prom\n")
        defer { sim.stop(); h.cleanup() }
        try FileManager.default.createDirectory(at: h.dir.appendingPathComponent("metrics"), withIntermediateDirectories: true)
        let r = try runWithDeadline(h, "cpard", ["--once", "--config", h.config], shell: "000")
        #expect(r.status == 0, "\(r.log)")
        func mode(_ relative: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: h.dir.appendingPathComponent(relative).path)
            return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode("metrics/cpard.prom") == 0o644)
        #expect(try mode("spool/incoming") == 0o770)
        #expect(try mode("spool/active") == 0o750)
        #expect(try mode("spool/rejected") == 0o750)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: h.dir.appendingPathComponent("metrics").path)
        #expect(leftovers == ["cpard.prom"])
    }

    // MARK: - Read-only state directory (issue 8 item 9)

    @Test func readOnlyCommandsWorkOnAReadOnlyStateDirectory() throws {
        let (h, sim) = try Harness.submittable()
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let once = try runWithDeadline(h, "cpard", ["--once", "--config", h.config])
        #expect(once.status == 0, "\(once.log)")
        // Move the state onto a small tmpfs and make it read-only: even root cannot write there.
        let disk = try SmallMount(bytes: 8 << 20)
        defer { disk.unmount() }
        let state = h.dir.appendingPathComponent("state").path
        let copy = try Subprocess.run("/bin/cp", ["-a", state + "/.", disk.path])
        #expect(copy.status == 0, "\(copy.all)")
        try h.writeConfig("state.dir = \(disk.path)\n" + sim.configLines + "\nnotify.maildir = maildir")
        try disk.makeReadOnly()

        let out = h.dir.appendingPathComponent("export.csv").path
        for args in [["status"], ["status", "--json"], ["history"], ["history", "--json"], ["validate"],
                     ["validate", "--json"], ["panel", "list"], ["panel", "show", "1001"], ["site", "show"],
                     ["export", "--panel", "1001", "--csv", out]] {
            let r = try runWithDeadline(h, "cparctl", args + ["--config", h.config])
            #expect(!r.signalled && r.status == 0, "\(args): \(r.log)")
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("patient_id,"))
        #expect(try h.panelStatus()["status"] as? String == "Submitted")

        // A writing command fails clearly; cpard names the read-only state directory.
        let write = try runWithDeadline(h, "cparctl", ["patient", "remove", "P1", "--config", h.config])
        #expect(!write.signalled && write.status != 0)
        #expect(write.log.contains("readonly") || write.log.contains("read-only"), "\(write.log)")
        let daemon = try runWithDeadline(h, "cpard", ["--once", "--config", h.config])
        #expect(!daemon.signalled && daemon.status != 0)
        #expect(daemon.log.contains("state directory \(disk.path) is on a read-only file system"), "\(daemon.log)")
        #expect(!daemon.log.lowercased().contains("permission"), "\(daemon.log)")
    }

    /// Issue 8 item 7: a NUL or control character in `practitioner_id` is an input problem named with its file and
    /// line, and the panel shows PRACTITIONER_WITHOUT_ID in `validate`; `extract` refuses the panel for that reason,
    /// never with a payload error naming no line.
    @Test(arguments: ["12\u{0}3456", "12\u{1}3456", "\"12\n3456\"", String(repeating: "7", count: 65)])
    func aPractitionerIDThatCannotGoIntoAPayloadIsCaughtByValidate(id: String) throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.write("providers.csv", "provider_id,family_name,given_name,practitioner_id\nDR1,Osler,William,\(id)\n")
        try h.ctl("site", "set", "--name", "Test Clinic", "--site-id", "S1")
        try h.ctl("panel", "add", "--name", "Osler", "--number", "1001", "--facility", "123456", "--practitioner", "DR1")
        try h.ctl("patient", "assign", "P1", "--panel", "1001")
        let v = try h.ctl("validate", "--json")
        #expect(v.status == 1, "\(v.all)")
        let object = try JSONSerialization.jsonObject(with: Data(v.stdout.utf8)) as? [String: Any]
        let panel = try #require((object?["panels"] as? [[String: Any]])?.first)
        #expect(panel["panel_problems"] as? [String] == ["PRACTITIONER_WITHOUT_ID"], "\(panel)")
        let text = try h.ctl("validate").stdout
        #expect(text.contains("providers.csv") && text.contains("practitioner_id") && text.contains("line 2"), "\(text)")
        let x = try h.ctl("extract", "--panel", "1001", "--out", h.dir.appendingPathComponent("x.xml").path)
        #expect(x.status == 1, "\(x.all)")
        #expect(x.all.contains("PRACTITIONER_WITHOUT_ID") && !x.all.contains("payload:"), "\(x.all)")
    }

    @Test func readOnlyCommandsWorkForAUserWhoCannotWriteTheStateDirectory() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.ctl("site", "set", "--name", "Test Clinic", "--site-id", "S1")
        try h.ctl("panel", "add", "--name", "Osler", "--number", "1001", "--facility", "123456", "--practitioner", "DR1")
        try h.ctl("patient", "assign", "P1", "--panel", "1001")
        // Everything belongs to nobody, and the state directory is 0555: nobody may read it but not write it.
        let chown = try Subprocess.run("/bin/chown", ["-R", "65534:65534", h.dir.path])
        #expect(chown.status == 0, "\(chown.all)")
        #expect(chmod(h.dir.appendingPathComponent("state").path, 0o555) == 0)
        func asNobody(_ tool: String, _ args: [String]) throws -> Harness.Output {
            try h.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                           Harness.binDir.appendingPathComponent(tool).path] + args + ["--config", h.config])
        }
        for args in [["status"], ["history"], ["panel", "list"], ["validate"], ["validate", "--json"],
                     ["export", "--panel", "1001", "--csv", h.dir.appendingPathComponent("out.csv").path],
                     ["worklist"], ["worklist", "--json"], ["hygiene"], ["audit"], ["audit", "--json"]] {
            let r = try asNobody("cparctl", args)
            #expect(r.status == 0, "\(args): \(r.all)")
        }
        let write = try asNobody("cparctl", ["patient", "assign", "P2", "--panel", "1001"])
        #expect(write.status != 0 && write.stderr.contains("readonly database"), "\(write.all)")
        let daemon = try asNobody("cpard", ["--once"])
        #expect(daemon.status != 0 && daemon.stderr.contains("is not writable by this user"), "\(daemon.all)")
        #expect(!daemon.stderr.contains("permission"), "\(daemon.all)")
    }

    /// Under fs.protected_hardlinks, cpard (not the owner, no write access) cannot link a dropper's file into
    /// rejected/: it is renamed there instead, still without overwriting an earlier copy.
    @Test func aDroppersFileIsRejectedByACpardThatCannotLinkIt() throws {
        let protected = try String(contentsOfFile: "/proc/sys/fs/protected_hardlinks", encoding: .utf8)
        try #require(protected.hasPrefix("1"), "this test needs fs.protected_hardlinks = 1")
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.ctl("site", "set", "--name", "Test Clinic", "--site-id", "S1")
        let chown = try Subprocess.run("/bin/chown", ["-R", "65534:65534", h.dir.path])
        #expect(chown.status == 0, "\(chown.all)")
        let incoming = h.dir.appendingPathComponent("spool/incoming").path
        for round in 0..<2 {
            if round == 0 {
                try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
                #expect(Glibc.chown(h.dir.appendingPathComponent("spool").path, 65534, 65534) == 0)
                #expect(Glibc.chown(incoming, 65534, 65534) == 0)
            }
            // Dropped by root, 0644: nobody may read it but not write it, so link(2) is refused.
            try "panel = 4242\n".write(toFile: incoming + "/drop.request", atomically: true, encoding: .utf8)
            chmod(incoming + "/drop.request", 0o644)
            let r = try h.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                   Harness.binDir.appendingPathComponent("cpard").path,
                                                   "--once", "--config", h.config])
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stderr.contains("spool.rejected"), "\(r.all)")
        }
        let rejected = try FileManager.default.contentsOfDirectory(atPath: h.dir.appendingPathComponent("spool/rejected").path)
        #expect(rejected.sorted() == ["drop.request", "drop.request.1", "drop.request.1.reason", "drop.request.reason"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: h.dir.appendingPathComponent("spool/active").path).isEmpty)
    }
}
