import Foundation
import Testing
import CPARTestSupport

/// `sample-data` → `setup-panels.sh` → validate / extract --all, as the demo and benchmark run them.
@Suite("sample data through the whole extract")
struct SampleDataPipelineTests {
    func prepare() throws -> Harness {
        let h = try Harness()
        #expect(try h.ctl("sample-data", "--out", h.emr.path, "--patients", "600", "--panels", "3", "--seed", "5").status == 0)
        let setup = try h.run("/bin/sh", [h.emr.appendingPathComponent("setup-panels.sh").path, "--config", h.config],
                              environment: ["PATH": Harness.binDir.path + ":/usr/bin:/bin"])
        #expect(setup.status == 0, "\(setup.all)")
        return h
    }

    /// PHNs, family names and birth dates of the sample patients (simple rows only; enough to catch a leak).
    func secrets(_ h: Harness) throws -> [String] {
        let text = try String(contentsOf: h.emr.appendingPathComponent("patients.csv"), encoding: .utf8)
        var found: [String] = []
        for line in text.split(whereSeparator: \.isNewline).dropFirst() where !line.contains("\"") {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5 else { continue }
            let phn = f[1].filter(\.isNumber)
            if phn.count == 9 { found.append(phn) }
            if f[2].count >= 4 { found.append(f[2]) }
            if f[4].count == 10 { found.append(f[4]) }
        }
        return found
    }

    @Test func everyPayloadPassesTheSchemaAndNoOutputCarriesPatientData() throws {
        let h = try prepare()
        defer { h.cleanup() }
        let out = h.dir.appendingPathComponent("extract")
        var output = try h.ctl("extract", "--all", "--out-dir", out.path, "--as-of", "2026-11-15")
        #expect(output.status == 1, "the sample data plants invalid patients")
        // Only the payloads are left (no temporary file), each 0600 and hashing to what the command printed.
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".xml") }, "3 panels, the last one fails PRACTITIONER_WITHOUT_ID")
        let xsd = PackageRoot.submissionSchema
        for file in files {
            let path = out.appendingPathComponent(file).path
            let lint = try h.run("/usr/bin/xmllint", ["--noout", "--schema", xsd, path])
            #expect(lint.status == 0, "\(file): \(lint.stderr)")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
            let sum = try h.run("/usr/bin/sha256sum", [path]).stdout.prefix(64)
            #expect(sum.count == 64 && output.stdout.contains("-> \(path) (sha256 \(sum))"), "\(file)")
        }
        output.stdout += try h.ctl("validate", "--as-of", "2026-11-15").all
        output.stdout += try h.ctl("validate", "--json", "--as-of", "2026-11-15").all
        let all = output.all
        #expect(all.contains("PRACTITIONER_WITHOUT_ID"))
        let secrets = try secrets(h)
        #expect(secrets.count > 500)
        for s in secrets { #expect(!all.contains(s), "output leaks a patient value") }
    }

    @Test func everyReasonCodeAppearsInTheSampleData() throws {
        let h = try prepare()
        defer { h.cleanup() }
        let r = try h.ctl("validate", "--json", "--as-of", "2026-11-15")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        var codes = Set<String>()
        for panel in object["panels"] as? [[String: Any]] ?? [] {
            for key in ["excluded", "warnings"] {
                for e in panel[key] as? [[String: Any]] ?? [] { codes.formUnion(e["reasons"] as? [String] ?? []) }
            }
        }
        #expect(codes.isSuperset(of: ["NOT_ACTIVE", "MISSING_PHN", "INVALID_PHN", "PHN_CHECK_DIGIT", "MISSING_DOB",
                                      "MISSING_FAMILY_NAME", "MISSING_GENDER", "NO_LAST_VISIT", "LAST_VISIT_BEFORE_DOB",
                                      "NO_CONFIRMATION_DATE", "UNKNOWN_PATIENT", "DUPLICATE_PHN"]), "\(codes)")
    }
}
