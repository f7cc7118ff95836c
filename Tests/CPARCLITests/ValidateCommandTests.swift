import CPARTestSupport
import Foundation
import Testing

@Suite("cparctl validate, extract, export")
struct ValidateCommandTests {
    /// Sets up site, one panel with DR1 and the basic EMR, every patient assigned.
    func setUp(_ h: Harness, site: Bool = true) throws {
        try h.writeBasicEMR()
        if site { try h.ctl("site", "set", "--name", "Test Clinic", "--site-id", "S1") }
        try h.ctl("panel", "add", "--name", "Osler", "--number", "1001", "--facility", "123", "--practitioner", "DR1")
        for p in ["P1", "P2", "P3", "P4"] { try h.ctl("patient", "assign", p, "--panel", "1001") }
        // P9 is not in patients.csv: `patient assign` refuses it, an import of existing paneling takes it.
        let file = h.dir.appendingPathComponent("p9.csv")
        try "patient_id,panel,confirmation_date\nP9,1001,2025-01-01\n".write(to: file, atomically: true, encoding: .utf8)
        try h.ctl("bulk", "import", "--csv", file.path)
    }

    @Test func jsonReportHasTheSpecShape() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try setUp(h)
        let r = try h.ctl("validate", "--json", "--as-of", "2026-01-01")
        #expect(r.status == 1, "invalid patients found → exit 1")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["as_of"] as? String == "2026-01-01")
        let panel = try #require((object["panels"] as? [[String: Any]])?.first)
        #expect(panel["panel"] as? String == "1001")
        #expect(panel["panel_problems"] as? [String] == [])
        #expect(panel["valid_count"] as? Int == 2)
        let excluded = try #require(panel["excluded"] as? [[String: Any]])
        let reasons = Dictionary(uniqueKeysWithValues: excluded.map { ($0["patient_id"] as! String, $0["reasons"] as! [String]) })
        #expect(reasons["P3"] == ["NOT_ACTIVE"])
        #expect(reasons["P4"] == ["MISSING_PHN", "NO_LAST_VISIT"])
        #expect(reasons["P9"] == ["UNKNOWN_PATIENT"])
        #expect(panel["warnings"] is [[String: Any]])
    }

    @Test func panelLevelProblemsAreReported() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.ctl("panel", "add", "--name", String(repeating: "n", count: 256), "--cpar")
        let r = try h.ctl("validate", "--json")
        #expect(r.status == 1)
        #expect(r.stdout.contains("SITE_NOT_CONFIGURED"))
        #expect(r.stdout.contains("PANEL_NAME_TOO_LONG"))
        #expect(r.stdout.contains("INVALID_PANEL_NUMBER"))
        #expect(r.stdout.contains("NO_FACILITY"))
        #expect(r.stdout.contains("NO_PRACTITIONER"))
        #expect(r.stdout.contains("NO_VALID_PATIENTS"))
    }

    @Test func failPolicyFailsThePanelWhenAnyPatientIsInvalid() throws {
        let h = try Harness(extraConfig: "validation.invalid_patients = fail")
        defer { h.cleanup() }
        try setUp(h)
        let r = try h.ctl("validate", "--json", "--as-of", "2026-01-01")
        #expect(r.stdout.contains("INVALID_PATIENTS"))
        let out = h.dir.appendingPathComponent("x.xml").path
        #expect(try h.ctl("extract", "--panel", "1001", "--out", out, "--as-of", "2026-01-01").status == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func extractWritesASchemaValidPrivatePayload() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try setUp(h)
        let out = h.dir.appendingPathComponent("p.xml").path
        let r = try h.ctl("extract", "--panel", "1001", "--out", out, "--as-of", "2026-01-01")
        #expect(r.status == 1, "written, but invalid patients were excluded")
        let xml = try String(contentsOfFile: out, encoding: .utf8)
        #expect(xml.contains("123456782") && xml.contains("223456783") && !xml.contains("323456784"))
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let check = try Subprocess.run("/usr/bin/xmllint", ["--noout", "--schema", PackageRoot.submissionSchema, out])
        #expect(check.status == 0)
    }

    @Test func reportsNeverCarryPatientData() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try setUp(h, site: false)
        var output = ""
        output += try h.ctl("validate", "--as-of", "2026-01-01").all
        output += try h.ctl("validate", "--json", "--as-of", "2026-01-01").all
        output += try h.ctl("extract", "--all", "--out-dir", h.dir.appendingPathComponent("x").path).all
        try h.ctl("site", "set", "--name", "Test Clinic", "--site-id", "S1")
        output += try h.ctl("extract", "--all", "--out-dir", h.dir.appendingPathComponent("y").path).all
        for secret in ["123456782", "223456783", "323456784", "Zed-Family", "Alpha", "Young", "Nophn", "1970-01-02", "1980-03-04"] {
            #expect(!output.contains(secret), "output leaks \(secret)")
        }
        #expect(output.contains("P3"), "the report names patients by patient_id")
    }

    @Test func missingColumnNamesFileAndColumnAndWritesNothing() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try setUp(h)
        try h.write("patients.csv", "patient_id,phn,family_name,given_name,dob,gender,mrp_provider_id\nP1,1,a,b,1970-01-01,F,DR1\n")
        let dir = h.dir.appendingPathComponent("none")
        let r = try h.ctl("extract", "--all", "--out-dir", dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.contains("patients.csv") && r.stderr.contains("status"))
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        #expect(files.filter { $0.hasSuffix(".xml") }.isEmpty)
    }
}
