import CPARTestSupport
import Foundation
import Testing

/// The units in systemd/ against the built binaries installed under a test prefix.
@Suite("systemd units")
struct SystemdUnitTests {
    static let units = ["cpard.service", "cpard-monthly.service", "cpard-monthly.timer", "cpard-nudge.path",
                        "cpard-nudge.service"]

    /// Copies the binaries to <prefix>/usr/bin and the units, rewritten to that prefix, to <prefix>/units.
    func install() throws -> TempDirectory {
        let prefix = try TempDirectory("cpard-prefix")
        let bin = prefix.url.appendingPathComponent("usr/bin")
        let unitDir = prefix.url.appendingPathComponent("units")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: unitDir, withIntermediateDirectories: true)
        for tool in ["cpard", "cparctl"] {
            try FileManager.default.copyItem(at: Harness.binDir.appendingPathComponent(tool), to: bin.appendingPathComponent(tool))
        }
        for unit in SystemdUnitTests.units {
            let text = try String(contentsOf: PackageRoot.url.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/bin/", with: bin.path + "/")
                .write(to: unitDir.appendingPathComponent(unit), atomically: true, encoding: .utf8)
        }
        return prefix
    }

    func run(_ args: [String], in dir: URL) throws -> (Int32, String) {
        let result = try Subprocess.run("/usr/bin/systemd-analyze", args, currentDirectory: dir.path)
        return (result.status, result.all)
    }

    @Test func everyUnitPassesVerify() throws {
        let prefix = try install()
        defer { prefix.remove() }
        let units = prefix.url.appendingPathComponent("units")
        let (status, output) = try run(["verify", "--man=no"] + SystemdUnitTests.units, in: units)
        #expect(status == 0, "\(output)")
        #expect(!output.contains("Unknown key"), "\(output)")
    }

    @Test func serviceExposureIsAtMostTwo() throws {
        let prefix = try install()
        defer { prefix.remove() }
        let (_, output) = try run(["security", "--offline=true", "cpard.service"], in: prefix.url.appendingPathComponent("units"))
        let line = try #require(output.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first)
        #expect(score <= 2.0, "\(line)")
    }

    /// SPEC §12: SIGABRT ends cpard at once under the hardened unit (no backtracer), a config error is not retried
    /// in a loop, and the nudge is skipped rather than failed while cpard is down. Tests/system/run.sh checks the
    /// behaviour under a real systemd; this keeps the lines from being dropped by an edit.
    @Test func unitLinesTheBehaviourRestsOn() throws {
        func lines(_ unit: String) throws -> [String] {
            try String(contentsOf: PackageRoot.url.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
                .split(separator: "\n").map(String.init)
        }
        let service = try lines("cpard.service")
        #expect(service.contains("Environment=SWIFT_BACKTRACE=enable=no"))
        #expect(service.contains("RestartPreventExitStatus=2"))
        #expect(service.contains("ExecStart=/usr/bin/cpard --config /etc/cpard/cpard.conf"))
        let nudge = try lines("cpard-nudge.service")
        #expect(nudge.contains("ExecCondition=/bin/systemctl --quiet is-active cpard.service"))
    }

    @Test func timerAgreesWithTheDefaultScheduleAndTheReadme() throws {
        let timer = try String(contentsOf: PackageRoot.url.appendingPathComponent("systemd/cpard-monthly.timer"), encoding: .utf8)
        let readme = try String(contentsOf: PackageRoot.url.appendingPathComponent("README.md"), encoding: .utf8)
        let h = try Harness()
        defer { h.cleanup() }
        let r = try h.ctl("schedule", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let expected = try #require((object["on_calendar"] as? [String])?.first)
        #expect(expected == "*-*-07 21:00:00 America/Edmonton")
        #expect(timer.contains("OnCalendar=\(expected)"))
        #expect(readme.contains("OnCalendar=\(expected)"))
    }
}
