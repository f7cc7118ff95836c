import Foundation
import Testing

@Suite("cparctl panel management")
struct PanelManagementTests {
    @Test func bulkAssignUsesLastVisitAndSkipsInactive() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        #expect(try h.ctl("panel", "add", "--name", "Osler panel", "--number", "1001", "--facility", "12345",
                          "--practitioner", "DR1").status == 0)
        let r = try h.ctl("bulk", "assign", "--provider", "DR1", "--panel", "1001", "--as-of", "2026-01-01")
        #expect(r.status == 0, "\(r.all)")
        let export = h.dir.appendingPathComponent("out.csv").path
        #expect(try h.ctl("export", "--panel", "1001", "--csv", export, "--as-of", "2026-01-01").status == 0)
        let rows = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        // P3 is inactive: not assigned. P1's last counting visit is 2025-02-11 (the 2025-06-01 one was cancelled).
        #expect(rows.map { $0[0] } == ["P1", "P2"])
        #expect(rows.first { $0[0] == "P1" }?[10] == "2025-02-11")
        #expect(rows.first { $0[0] == "P2" }?[10] == "2023-09-09")
        let mode = try FileManager.default.attributesOfItem(atPath: export)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func panelDeleteIsRefusedWhilePatientsAreOnIt() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.ctl("panel", "add", "--name", "P", "--number", "7", "--facility", "1", "--practitioner", "DR1")
        try h.ctl("patient", "assign", "P1", "--panel", "7")
        let refused = try h.ctl("panel", "delete", "7")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("patient"))
        #expect(try h.ctl("panel", "show", "7").status == 0)
        #expect(try h.ctl("patient", "remove", "P1").status == 0)
        #expect(try h.ctl("panel", "delete", "7").status == 0)
        #expect(try h.ctl("panel", "show", "7").status == 1)
    }

    @Test func panelsAreNamedByNumberOrByNameWhenTheyHaveNone() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.ctl("panel", "add", "--name", "Walk-in", "--no-cpar", "--facility", "1", "--practitioner", "DR1")
        try h.ctl("panel", "add", "--name", "Numbered", "--number", "42", "--facility", "1", "--practitioner", "DR1")
        #expect(try h.ctl("panel", "show", "Walk-in").stdout.contains("CPAR enabled:  no"))
        let configFirst = try h.run("cparctl", ["--config", h.config, "panel", "show", "Walk-in"])
        #expect(configFirst.status == 0 && configFirst.stdout.contains("Walk-in"), "--config may precede the command")
        #expect(try h.ctl("panel", "show", "42").stdout.contains("Numbered"))
        let list = try h.ctl("panel", "list", "--json")
        #expect(list.stdout.contains("\"panel\": \"Walk-in\"") && list.stdout.contains("\"panel\": \"42\""))
    }

    @Test func bulkMoveAndRemove() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.ctl("panel", "add", "--name", "A", "--number", "1", "--facility", "1", "--practitioner", "DR1")
        try h.ctl("panel", "add", "--name", "B", "--number", "2", "--facility", "1", "--practitioner", "DR1")
        try h.ctl("patient", "assign", "P1", "--panel", "1")
        try h.ctl("patient", "assign", "P2", "--panel", "1")
        #expect(try h.ctl("bulk", "move", "--from", "1", "--to", "2").status == 0)
        #expect(try h.ctl("panel", "show", "2").stdout.contains("patients:      2"))
        #expect(try h.ctl("bulk", "remove", "--panel", "2").status == 0)
        #expect(try h.ctl("panel", "show", "2").stdout.contains("patients:      0"))
    }

    @Test func bulkImportTakesEmptyConfirmationDatesAndReportsBadRows() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.ctl("panel", "add", "--name", "A", "--number", "1", "--facility", "1", "--practitioner", "DR1")
        let file = h.dir.appendingPathComponent("import.csv")
        try """
            patient_id,panel,confirmation_date
            P1,1,2025-01-01
            P2,1,
            P3,99,2025-01-01
            P4,1,2025-13-01
            """.write(to: file, atomically: true, encoding: .utf8)
        let r = try h.ctl("bulk", "import", "--csv", file.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("import.csv:4"))
        #expect(r.stderr.contains("import.csv:5"))
        #expect(try h.ctl("panel", "show", "1").stdout.contains("patients:      2"))
    }

    @Test func usageAndConfigurationErrorsExitTwo() throws {
        let h = try Harness(extraConfig: "retry.min_backoff = soon")
        defer { h.cleanup() }
        let bad = try h.ctl("panel", "list")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("cpard.conf:6"))
        try h.writeConfig("")
        #expect(try h.ctl("panel", "frobnicate").status == 2)
        #expect(try h.ctl("validate", "--as-of", "yesterday").status == 2)
        #expect(try h.ctl("panel", "add", "--name", "x", "--bogus").status == 2)
    }
}
