import Foundation
import Testing

/// No PHN, name or birth date from the sample data in any of the panel administrator's outputs (SPEC §13):
/// human and `--json`, and the HTML report.
@Suite("panel administrator outputs carry no patient data")
struct AdministratorPrivacyTests {
    @Test func humanJSONAndHTMLOutputsLeakNothing() throws {
        let pipeline = SampleDataPipelineTests()
        let h = try pipeline.prepare()
        defer { h.cleanup() }
        var all = ""
        func take(_ args: String...) throws { all += try h.run("cparctl", args + ["--config", h.config]).all }
        try take("validate", "--as-of", "2026-11-15")
        try take("validate", "--json", "--as-of", "2026-11-15")
        let panels = try JSONSerialization.jsonObject(with: Data(try h.ctl("panel", "list", "--json").stdout.utf8))
        let labels = ((panels as? [String: Any])?["panels"] as? [[String: Any]] ?? []).compactMap { $0["panel"] as? String }
        #expect(labels.count == 3)
        for label in labels {
            try take("panel", "show", label)
            try take("bulk", "assign", "--provider", "PR0001", "--panel", label, "--dry-run")
        }
        // Every kind of patient: valid, each reason, duplicates, unknown IDs, not paneled.
        for n in [1, 27, 75, 146, 147, 211, 459, 507, 555, 843, 1339, 2001, 2008, 1999] {
            let id = "P" + String(repeating: "0", count: 7 - String(n).count) + String(n)
            try take("patient", "show", id, "--as-of", "2026-11-15")
            try take("patient", "show", id, "--json", "--as-of", "2026-11-15")
        }
        try take("submit", "--all", "--reason", "monthly")
        all += try h.once().all
        try take("status")
        try take("status", "--json")
        try take("history")
        try take("history", "--json")
        let report = h.dir.appendingPathComponent("report.html").path
        try take("report", "--html", report, "--as-of", "2026-11-15")
        all += try String(contentsOfFile: report, encoding: .utf8)
        #expect(all.contains("same PHN as") && all.contains("NO_LAST_VISIT") && all.contains("<svg"))
        let secrets = try pipeline.secrets(h)
        #expect(secrets.count > 500)
        for s in secrets { #expect(!all.contains(s), "an output leaks a patient value") }
    }
}
