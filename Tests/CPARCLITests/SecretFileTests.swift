import Foundation
import Testing

/// SPEC §10, §12: secrets live in files the config points to; a key file readable by others is refused where it is
/// used (sending) and by `cpard --check-config`; panel administration never needs them.
@Suite("secret files")
struct SecretFileTests {
    /// A configuration naming a client key, certificate and token in `h.dir` (written with `mode`, or absent).
    func configure(_ h: Harness, keyMode: Int?, extra: String = "") throws {
        if let keyMode {
            let key = h.dir.appendingPathComponent("client.key")
            try "not really a key".write(to: key, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: keyMode], ofItemAtPath: key.path)
        }
        try h.writeConfig("""
            registry.url = https://registry.invalid/submissions
            registry.client_cert = client.pem
            registry.client_key = client.key
            registry.token_file = token
            notify.smtp_url = smtp://mail.invalid:25
            notify.smtp_password_file = smtp.password
            """ + extra)
    }

    @Test(arguments: [(0o644, false), (0o604, false), (0o640, true), (0o600, true)])
    func keyFileModesAtCheckConfig(mode: Int, accepted: Bool) throws {
        let h = try Harness()
        defer { h.cleanup() }
        try configure(h, keyMode: mode)
        for name in ["client.pem", "token", "smtp.password"] {
            try "x".write(to: h.dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: h.dir.appendingPathComponent(name).path)
        }
        let r = try h.run("cpard", ["--config", h.config, "--check-config"])
        if accepted {
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("configuration OK"))
        } else {
            #expect(r.status == 2)
            #expect(r.stderr.contains("registry.client_key") && r.stderr.contains("readable by others"), "\(r.stderr)")
        }
    }

    @Test func checkConfigNamesEveryMissingSecretAndAnUnreadableEMRDirectory() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try configure(h, keyMode: nil, extra: "\nemr.data_dir = no-such-export")
        let r = try h.run("cpard", ["--config", h.config, "--check-config"])
        #expect(r.status == 2)
        for setting in ["registry.client_key", "registry.token_file", "notify.smtp_password_file", "registry.client_cert",
                        "emr.data_dir"] {
            #expect(r.stderr.contains(setting), "\(setting) in \(r.stderr)")
        }
        #expect(r.stderr.contains("has 5 problem(s)"), "\(r.stderr)")
    }

    /// The files cpard rewrites after every pass need a directory it can write: `--check-config` names each.
    @Test func checkConfigNamesAMissingMetricsOrReportDirectory() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeConfig("metrics.textfile = no-metrics/cpard.prom\nreport.html_path = no-report/report.html")
        let r = try h.run("cpard", ["--config", h.config, "--check-config"])
        #expect(r.status == 2, "\(r.all)")
        #expect(r.stderr.contains("metrics.textfile") && r.stderr.contains("no-metrics"), "\(r.stderr)")
        #expect(r.stderr.contains("report.html_path") && r.stderr.contains("no-report"), "\(r.stderr)")
        for dir in ["no-metrics", "no-report"] {
            try FileManager.default.createDirectory(at: h.dir.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        let fixed = try h.run("cpard", ["--config", h.config, "--check-config"])
        #expect(fixed.status == 0, "\(fixed.all)")
        // In state.dir, which cpard creates when it first starts: fine before that start.
        try h.writeConfig("metrics.textfile = state/cpard.prom\nreport.html_path = state/report.html")
        #expect(!FileManager.default.fileExists(atPath: h.dir.appendingPathComponent("state").path))
        let beforeStart = try h.run("cpard", ["--config", h.config, "--check-config"])
        #expect(beforeStart.status == 0, "\(beforeStart.all)")
    }

    @Test func checkConfigWarnsWhenTheScheduledDayFallsInsideTheBlackout() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeConfig("blackout.enabled = true\nblackout.from_day = 5\nblackout.until_day = 10\nschedule.day = 7")
        let r = try h.run("cpard", ["--config", h.config, "--check-config"])
        #expect(r.status == 0, "a warning, not a problem: \(r.all)")
        #expect(r.stderr.contains("warning") && r.stderr.contains("schedule.day 7 falls inside the blackout"), "\(r.stderr)")
        try h.writeConfig("blackout.enabled = true\nblackout.from_day = 20\nblackout.until_day = 1\nschedule.day = 7")
        let clean = try h.run("cpard", ["--config", h.config, "--check-config"])
        #expect(clean.status == 0 && !clean.stderr.contains("blackout"), "\(clean.all)")
    }

    /// Onboarding: the clinic sets up its site and panels before it has registry credentials.
    @Test(arguments: [nil, 0o644] as [Int?])
    func panelAdministrationRunsWithoutTheSecrets(keyMode: Int?) throws {
        let h = try Harness()
        defer { h.cleanup() }
        try configure(h, keyMode: keyMode)
        try h.writeBasicEMR()
        let out = h.dir.appendingPathComponent("out").path
        let commands: [[String]] = [
            ["site", "set", "--name", "Clinic", "--site-id", "S1"], ["site", "show"],
            ["panel", "add", "--name", "Osler", "--number", "1001", "--facility", "123", "--practitioner", "DR1"],
            ["panel", "list"], ["patient", "assign", "P1", "--panel", "1001"],
            ["bulk", "assign", "--provider", "DR1", "--panel", "1001", "--as-of", "2026-01-01"],
            ["validate", "--panel", "1001", "--as-of", "2026-01-01"],
            ["extract", "--panel", "1001", "--out", out + ".xml", "--as-of", "2026-01-01"],
            ["export", "--panel", "1001", "--csv", out + ".csv", "--as-of", "2026-01-01"],
            ["submit", "--panel", "1001"], ["status"], ["history"], ["schedule"], ["inbox"],
        ]
        for command in commands {
            let r = try h.run("cparctl", command + ["--config", h.config])
            #expect(r.status == 0 || r.status == 1, "\(command): \(r.all)")
            #expect(!r.stderr.contains("secret file") && !r.stderr.contains("client.key"), "\(command): \(r.stderr)")
        }
    }

    /// Where the key is used it is checked: `cpard` refuses to send with a key others can read.
    @Test func cpardRefusesAKeyOthersCanRead() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try configure(h, keyMode: 0o644)
        let r = try h.once()
        #expect(r.status != 0)
        #expect(r.stderr.contains("registry.client_key") && r.stderr.contains("readable by others"), "\(r.stderr)")
    }

    /// And the SMTP password where notices are sent: `cpard` refuses one others can read, naming it.
    @Test func cpardRefusesAnSMTPPasswordOthersCanRead() throws {
        let h = try Harness()
        defer { h.cleanup() }
        let password = h.dir.appendingPathComponent("smtp.password")
        try "secret".write(to: password, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: password.path)
        try h.writeConfig("notify.smtp_url = smtp://mail.invalid:25\nnotify.smtp_password_file = smtp.password")
        let r = try h.once()
        #expect(r.status != 0)
        #expect(r.stderr.contains("smtp.password") && r.stderr.contains("readable by others"), "\(r.stderr)")
        let status = try h.ctl("status")
        #expect(status.status == 0, "cparctl never reads it: \(status.all)")
    }
}
