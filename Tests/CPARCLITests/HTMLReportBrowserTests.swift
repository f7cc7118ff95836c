import CPARTestSupport
import Foundation
import Testing

/// SPEC §13 `report --html` and `report.html_path`: one self-contained file, mode 0640, no patient data, rendered
/// by a real headless Chromium (Debian's `chromium`, installed by `scripts/deps --tests`).
@Suite("HTML panel report in a real browser")
struct HTMLReportBrowserTests {
    static let chromium = "/usr/bin/chromium"

    /// Headless Chromium with its own profile in the scratch directory (never the user's).
    func chromium(_ h: Harness, _ args: [String]) throws -> Harness.Output {
        let profile = h.dir.appendingPathComponent("chromium-profile").path
        return try h.run(Self.chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                         "--user-data-dir=\(profile)", "--hide-scrollbars"] + args,
                         environment: ["HOME": h.dir.path])
    }

    func validation(_ h: Harness) throws -> [[String: Any]] {
        let r = try h.ctl("validate", "--json", "--as-of", "2026-11-15")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return object?["panels"] as? [[String: Any]] ?? []
    }

    @Test func theReportRendersInChromiumWithPanelsCountsAndBars() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.chromium), "chromium is missing: run scripts/deps --tests")
        let h = try SampleDataPipelineTests().prepare()
        defer { h.cleanup() }
        try h.ctl("submit", "--all")
        try h.once()   // no registry configured: every panel Failed, so statuses and history are filled
        let file = h.dir.appendingPathComponent("report.html")
        let r = try h.ctl("report", "--html", file.path, "--as-of", "2026-11-15")
        #expect(r.status == 0, "\(r.all)")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        let html = try String(contentsOf: file, encoding: .utf8)
        for external in ["<script", "<link", "src=", "href=", "url(", "@import"] {
            #expect(!html.contains(external), "self-contained: no \(external)")
        }

        let dump = try chromium(h, ["--dump-dom", file.absoluteURL.absoluteString])
        #expect(dump.status == 0, "\(dump.stderr)")
        let dom = dump.stdout
        #expect(dom.contains("<svg") && dom.contains("Riverbend Family Medicine Network"))
        let panels = try validation(h)
        #expect(panels.count == 3)
        for p in panels {
            let label = try #require(p["panel"] as? String)
            let excluded = (p["excluded"] as? [Any])?.count ?? -1
            let valid = p["valid_count"] as? Int ?? -1
            // The validation row of this panel, with its counts as validate --json gives them.
            let row = try #require(dom.range(of: "<tr data-panel=\"\(label)\"><td class=\"id\">\(label)</td>",
                                             options: .backwards).map { String(dom[$0.lowerBound...].prefix(2000)) })
            #expect(row.contains("data-field=\"valid\">\(valid)<"), "panel \(label)")
            #expect(row.contains("data-field=\"excluded\">\(excluded)<"), "panel \(label)")
            // One bar per reason, each as long as its count says.
            let reasons = p["reasons"] as? [String: Int] ?? [:]
            let figure = try #require(dom.range(of: "<figure class=\"chart\" data-panel=\"\(label)\">")
                .map { String(dom[$0.lowerBound...].prefix { _ in true }) })
            let chart = String(figure[..<(figure.range(of: "</figure>")?.lowerBound ?? figure.endIndex)])
            #expect(chart.components(separatedBy: "<rect class=\"bar\"").count - 1 == reasons.count, "panel \(label)")
            for (code, n) in reasons {
                #expect(chart.contains("data-reason=\"\(code)\" data-count=\"\(n)\""), "panel \(label) \(code)")
            }
        }
        #expect(dom.contains("id=\"history\"") && dom.contains("Failed"))

        let shot = h.dir.appendingPathComponent("report.png")
        let taken = try chromium(h, ["--window-size=1280,2400", "--screenshot=\(shot.path)", file.absoluteURL.absoluteString])
        #expect(taken.status == 0, "\(taken.stderr)")
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 50_000, "a real page, not a blank one")

        let secrets = try SampleDataPipelineTests().secrets(h)
        #expect(secrets.count > 500)
        for s in secrets { #expect(!html.contains(s), "the report leaks a patient value") }
    }

    @Test func cpardRewritesTheReportAfterEveryPass() throws {
        let (h, sim) = try Harness.submittable(extra: "report.html_path = out/report.html")
        defer { sim.stop(); h.cleanup() }
        try FileManager.default.createDirectory(at: h.dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        let path = h.dir.appendingPathComponent("out/report.html").path
        #expect(try h.once().status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("Submitted"))
        try h.ctl("submit", "--panel", "1001")
        #expect(try h.once().status == 0)
        let after = try String(contentsOfFile: path, encoding: .utf8)
        #expect(after.contains("badge submitted"), "the pass that submitted rewrote the report")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: h.dir.appendingPathComponent("out").path)
        #expect(leftovers == ["report.html"], "no temporary file left: \(leftovers)")
    }

    /// A report directory that is missing is a warning of its own (`report.write_failed`), not a failed pass (the
    /// event ops alert on); sending goes on, and `--check-config` names it beforehand.
    @Test func aMissingReportDirectoryIsItsOwnWarningAndACheckConfigProblem() throws {
        let (h, sim) = try Harness.submittable(extra: "report.html_path = no-such-dir/report.html")
        defer { sim.stop(); h.cleanup() }
        let check = try h.run("cpard", ["--config", h.config, "--check-config"])
        #expect(check.status == 2, "\(check.all)")
        #expect(check.stderr.contains("report.html_path") && check.stderr.contains("no-such-dir"), "\(check.stderr)")
        try h.ctl("submit", "--panel", "1001")
        let r = try h.once()
        #expect(r.status == 0, "\(r.all)")
        #expect(r.stderr.contains("event=report.write_failed"), "\(r.stderr)")
        #expect(!r.stderr.contains("service.pass_failed") && !r.stderr.contains("service.stage_failed"), "\(r.stderr)")
        #expect(try h.panelStatus()["status"] as? String == "Submitted", "sending is not affected")
        try FileManager.default.createDirectory(at: h.dir.appendingPathComponent("no-such-dir"), withIntermediateDirectories: true)
        let fixed = try h.run("cpard", ["--config", h.config, "--check-config"])
        #expect(fixed.status == 0, "\(fixed.all)")
    }
}
