import Foundation
import Testing

/// SPEC §4 (changed parts) and §13, as a panel administrator meets them: bulk rules and dry runs, patient assign and
/// show, panel edit and show, and the help system. Against the real `cparctl` and real files.
@Suite("cparctl for panel administrators")
struct PanelAdministratorTests {
    /// Basic EMR, panels 1 and 2 (DR1), and existing paneling imported: P1 on panel 2 (2024-07-26), P2 on panel 1
    /// (2020-01-01).
    func twoPanels() throws -> Harness {
        let h = try Harness()
        try h.writeBasicEMR()
        try h.ctl("panel", "add", "--name", "A", "--number", "1", "--facility", "1", "--practitioner", "DR1")
        try h.ctl("panel", "add", "--name", "B", "--number", "2", "--facility", "1", "--practitioner", "DR1")
        let file = h.dir.appendingPathComponent("existing.csv")
        try "patient_id,panel,confirmation_date\nP1,2,2024-07-26\nP2,1,2020-01-01\n"
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try h.ctl("bulk", "import", "--csv", file.path).status == 0)
        return h
    }

    /// `patient show --json` as a dictionary.
    func show(_ h: Harness, _ id: String) throws -> [String: Any] {
        let r = try h.ctl("patient", "show", id, "--json", "--as-of", "2026-01-01")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    func line(_ output: String, _ label: String) -> String? {
        output.split(separator: "\n").map(String.init).first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
    }

    @Test func bulkAssignLeavesOtherPanelsAndKeepsConfirmationDates() throws {
        let h = try twoPanels()
        defer { h.cleanup() }
        let r = try h.ctl("bulk", "assign", "--provider", "DR1", "--panel", "1", "--as-of", "2026-01-01")
        #expect(r.status == 0, "\(r.all)")
        #expect(line(r.stdout, "joined")?.hasSuffix(" 0") == true, "\(r.stdout)")
        #expect(line(r.stdout, "already on this panel")?.hasSuffix(" 1") == true, "P2")
        #expect(line(r.stdout, "skipped: inactive")?.hasSuffix(" 1") == true, "P3")
        #expect(line(r.stdout, "skipped: on another panel")?.hasSuffix(" 1") == true, "P1 stays on panel 2")
        #expect(line(r.stdout, "on panel 2 (B)")?.hasSuffix(" 1") == true)
        #expect(r.stdout.contains("--move"))
        #expect(try show(h, "P1")["panel"] as? String == "2")
        #expect(try show(h, "P1")["confirmation_date"] as? String == "2024-07-26", "an imported date is never replaced")
        #expect(try show(h, "P2")["confirmation_date"] as? String == "2020-01-01", "already on P: date kept")
    }

    @Test func bulkAssignWithMoveMovesAndCountsPerPanelLeft() throws {
        let h = try twoPanels()
        defer { h.cleanup() }
        let dry = try h.ctl("bulk", "assign", "--provider", "DR1", "--panel", "1", "--move", "--dry-run", "--as-of", "2026-01-01")
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("dry run, nothing changed"))
        #expect(line(dry.stdout, "moved from panel 2 (B)")?.hasSuffix(" 1") == true, "\(dry.stdout)")
        #expect(try show(h, "P1")["panel"] as? String == "2", "a dry run changes nothing")
        let r = try h.ctl("bulk", "assign", "--provider", "DR1", "--panel", "1", "--move", "--as-of", "2026-01-01")
        #expect(line(r.stdout, "moved from panel 2 (B)")?.hasSuffix(" 1") == true, "\(r.stdout)")
        #expect(line(r.stdout, "skipped: on another panel")?.hasSuffix(" 0") == true)
        let p1 = try show(h, "P1")
        #expect(p1["panel"] as? String == "1")
        #expect(p1["confirmation_date"] as? String == "2025-02-11", "a moved patient's confirmation = its last visit")
        #expect(try show(h, "P2")["confirmation_date"] as? String == "2020-01-01")
        // A patient on no panel joins; without a visit it has no confirmation date, and the summary says so.
        let joined = try h.ctl("bulk", "assign", "--provider", "DR2", "--panel", "2", "--as-of", "2026-01-01")
        #expect(line(joined.stdout, "joined")?.hasSuffix(" 1") == true, "\(joined.stdout)")
        #expect(joined.stdout.contains("NO_CONFIRMATION_DATE"))
    }

    @Test func everyBulkCommandHasADryRunThatChangesNothing() throws {
        let h = try twoPanels()
        defer { h.cleanup() }
        let move = try h.ctl("bulk", "move", "--from", "1", "--to", "2", "--dry-run")
        #expect(move.status == 0 && move.stdout.contains("dry run") && move.stdout.contains("1 patients would move"))
        let remove = try h.ctl("bulk", "remove", "--panel", "2", "--dry-run")
        #expect(remove.status == 0 && remove.stdout.contains("1 patients would be removed"))
        let file = h.dir.appendingPathComponent("more.csv")
        try "patient_id,panel,confirmation_date\nP4,1,\nP1,1,2025-01-01\n".write(to: file, atomically: true, encoding: .utf8)
        let imported = try h.ctl("bulk", "import", "--csv", file.path, "--dry-run")
        #expect(imported.status == 0 && imported.stdout.contains("1 join a panel") && imported.stdout.contains("1 move"),
                "\(imported.stdout)")
        let assign = try h.ctl("bulk", "assign", "--provider", "DR2", "--panel", "1", "--dry-run")
        #expect(assign.status == 0 && assign.stdout.contains("dry run"))
        #expect(try h.ctl("panel", "show", "1").stdout.contains("patients:      1"))
        #expect(try h.ctl("panel", "show", "2").stdout.contains("patients:      1"))
        #expect(try show(h, "P4")["panel"] is NSNull)
    }

    @Test func patientAssignRefusesAnIDAbsentFromTheExport() throws {
        let h = try twoPanels()
        defer { h.cleanup() }
        let r = try h.ctl("patient", "assign", "p4", "--panel", "1")
        #expect(r.status == 1)
        #expect(r.stderr.contains("not in patients.csv") && r.stderr.contains("did you mean P4"), "\(r.stderr)")
        #expect(try h.ctl("patient", "show", "p4").status == 1, "nothing was stored")
        #expect(try h.ctl("patient", "assign", "P4", "--panel", "1").status == 0)
    }

    @Test func patientShowSaysWhereThePatientIsAndWhyItIsExcluded() throws {
        let h = try twoPanels()
        defer { h.cleanup() }
        try h.ctl("patient", "assign", "P4", "--panel", "1")
        let p4 = try show(h, "P4")
        #expect(Set(p4.keys) == ["patient_id", "panel", "panel_name", "confirmation_date", "last_visit", "valid",
                                 "reasons", "open_items", "history"])
        #expect(p4["panel"] as? String == "1" && p4["panel_name"] as? String == "A")
        #expect(p4["valid"] as? Bool == false)
        #expect(p4["reasons"] as? [String] == ["MISSING_PHN", "NO_LAST_VISIT"])
        #expect(p4["last_visit"] is NSNull)
        #expect(p4["open_items"] as? [Any] != nil && p4["history"] as? [Any] != nil)
        let human = try h.ctl("patient", "show", "P4", "--as-of", "2026-01-01")
        #expect(human.status == 0)
        #expect(human.stdout.contains("1 (A)") && human.stdout.contains("excluded"))
        #expect(human.stdout.contains("no completed visit on or before 2026-01-01 — book or record a visit"), "\(human.stdout)")
        let p1 = try show(h, "P1")
        #expect(p1["valid"] as? Bool == true && p1["last_visit"] as? String == "2025-02-11")
        let p3 = try show(h, "P3")
        #expect(p3["panel"] is NSNull && p3["valid"] is NSNull, "in the export, on no panel")
        #expect(try h.ctl("patient", "show", "NOPE").status == 1)
    }

    @Test func panelEditWithoutOptionsIsAUsageErrorAndShowListsProblems() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.ctl("panel", "add", "--name", "A", "--number", "1", "--facility", "1", "--practitioner", "DR2")
        let edit = try h.ctl("panel", "edit", "1")
        #expect(edit.status == 2 && !edit.stdout.contains("updated"))
        let show = try h.ctl("panel", "show", "1")
        #expect(show.stdout.contains("SITE_NOT_CONFIGURED") && show.stdout.contains("PRACTITIONER_WITHOUT_ID")
                && show.stdout.contains("NO_VALID_PATIENTS"), "\(show.stdout)")
        try h.ctl("site", "set", "--name", "C", "--site-id", "S")
        try h.ctl("panel", "edit", "1", "--practitioner", "DR1")
        try h.ctl("patient", "assign", "P1", "--panel", "1")
        #expect(try h.ctl("panel", "show", "1").stdout.contains("problems:      none"))
    }

    @Test func longPanelNamesAreCutSoTablesStayReadable() throws {
        let h = try Harness()
        defer { h.cleanup() }
        let long = String(repeating: "Very Long Panel Name ", count: 15)
        try h.ctl("panel", "add", "--name", long, "--number", "1", "--facility", "1", "--practitioner", "DR1")
        let list = try h.ctl("panel", "list")
        #expect(list.stdout.contains("…"))
        for l in list.stdout.split(separator: "\n") { #expect(l.count <= 120, "\(l)") }
    }

    @Test func helpDescribesEveryCommandWithOptionsAndAnExample() throws {
        let h = try Harness()
        defer { h.cleanup() }
        let overview = try h.ctl("help", config: false)
        #expect(overview.status == 0)
        for name in ["site set", "panel list", "bulk assign", "patient show", "validate", "report", "history",
                     "worklist resolve", "hygiene", "audit", "cpar-report import"] {
            #expect(overview.stdout.contains("  " + name + " "), "\(name)")
        }
        let validate = try h.ctl("help", "validate", config: false)
        #expect(validate.status == 0 && validate.stdout.contains("--as-of DATE") && validate.stdout.contains("example:"))
        #expect(try h.ctl("validate", "--help").stdout == validate.stdout)
        #expect(try h.ctl("help", "extract", config: false).stdout.contains("--check"))
        #expect(try h.ctl("help", "submit", config: false).stdout.contains("--reason TEXT"))
        #expect(try h.ctl("help", "panel", "list", config: false).stdout.contains("--json"))
        #expect(try h.ctl("help", "bulk", "assign", config: false).stdout.contains("--move"))
        #expect(try h.ctl("help", "worklist", "resolve", config: false).stdout.contains("--outcome"))
        #expect(try h.ctl("help", "cpar-report", "import", config: false).stdout.contains("--map FIELD=HEADER"))
        for group in [["panel"], ["panel", "--help"], ["help", "panel"]] {
            let r = try h.run("cparctl", group)
            #expect(r.status == 0 && r.stdout.contains("panel add") && r.stdout.contains("panel show"), "\(group)")
        }
        #expect(try h.ctl("bulk").stdout.contains("bulk assign"), "a group with --config is still the group's help")
        let typo = try h.ctl("valdate", config: false)
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'validate'"), "\(typo.stderr)")
        let subTypo = try h.ctl("panel", "lst", config: false)
        #expect(subTypo.status == 2 && subTypo.stderr.contains("did you mean 'panel list'"), "\(subTypo.stderr)")
        #expect(try h.ctl("help", "frobnicate", config: false).status == 2)
        // A group typed right, a command after it that is nowhere near: no "did you mean 'panel'", but its list.
        let unknownInGroup = try h.ctl("panel", "frobnicate", config: false)
        #expect(unknownInGroup.status == 2 && !unknownInGroup.stderr.contains("did you mean")
                && unknownInGroup.stderr.contains("Run 'cparctl panel' for its commands"), "\(unknownInGroup.stderr)")
    }
}
