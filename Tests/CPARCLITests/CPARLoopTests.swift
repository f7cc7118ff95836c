import CPARCore
import CPARSampleData
import CPARStore
import CPARTestSupport
import Foundation
import Testing

/// §14 end to end through `cparctl`: CPAR report import, the worklist, hygiene and the audit trail.
@Suite("closing the CPAR loop")
struct CPARLoopTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func items(_ h: Harness, all: Bool = false) throws -> [[String: Any]] {
        let r = all ? try h.ctl("worklist", "--json", "--all") : try h.ctl("worklist", "--json")
        #expect(r.status == 0, "\(r.all)")
        return try #require(try json(r.stdout)["items"] as? [[String: Any]])
    }

    func writeReport(_ h: Harness, _ name: String, _ text: String) throws -> String {
        let path = h.dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Basic EMR with panels 1001 (P1, P2) and 1002 (P3).
    func basic() throws -> Harness {
        let h = try Harness()
        try h.writeBasicEMR()
        try h.ctl("panel", "add", "--name", "Osler", "--number", "1001", "--facility", "12345", "--practitioner", "DR1")
        try h.ctl("panel", "add", "--name", "Banting", "--number", "1002", "--facility", "12345", "--practitioner", "DR1")
        let csv = try writeReport(h, "import.csv", """
            patient_id,panel,confirmation_date
            P1,1001,2022-01-01
            P2,1001,2025-01-01
            P3,1002,
            P4,1002,2026-01-01
            """)
        #expect(try h.ctl("bulk", "import", "--csv", csv).status == 0)
        return h
    }

    // MARK: the sample clinic's reports

    @Test func theSampleReportsGiveTheirKnownAnswersAndNoValueLeaks() throws {
        let h = try Harness()
        defer { h.cleanup() }
        #expect(try h.ctl("sample-data", "--out", h.emr.path, "--patients", "300", "--panels", "3", "--seed", "5").status == 0)
        let setup = try h.run("/bin/sh", [h.emr.appendingPathComponent("setup-panels.sh").path, "--config", h.config],
                              environment: ["PATH": Harness.binDir.path + ":/usr/bin:/bin"])
        #expect(setup.status == 0, "\(setup.all)")
        // The answers, from a second generation with the same arguments (the files are byte-identical).
        let again = try TempDirectory()
        defer { again.remove() }
        let answers = try SampleData.generate(outDir: again.path, patients: 300, panels: 3, seed: 5).reportAnswers
        #expect(answers.conflicts.count == 3 && answers.mismatches.count == 7)
        #expect(Set(answers.mismatches.values.flatMap { $0 }) == Set(WorklistCode.allCases).subtracting([.conflict]),
                "every mismatch code, and MISMATCH_UNSPECIFIED")

        var output = ""
        let conflict = try h.ctl("cpar-report", "import", "--kind", "conflict", "--date", "2026-11-05",
                                 "--csv", h.emr.appendingPathComponent("cpar-conflict-report.csv").path)
        #expect(conflict.status == 1, "one row matches nobody: \(conflict.all)")
        #expect(conflict.stdout.contains("4 rows read, 3 matched, 1 unmatched, 0 unreadable"))
        #expect(conflict.stdout.contains("3 opened, 0 still open, 0 cleared"))
        #expect(conflict.stdout.contains("by line: \(answers.conflictUnmatchedLines.map(String.init).joined(separator: ", "))"))
        let mismatch = try h.ctl("cpar-report", "import", "--kind", "mismatch", "--date", "2026-11-05",
                                 "--csv", h.emr.appendingPathComponent("cpar-mismatch-report.csv").path)
        #expect(mismatch.status == 1)
        #expect(mismatch.stdout.contains("8 rows read, 7 matched, 1 unmatched"))
        #expect(mismatch.stdout.contains("by line: \(answers.mismatchUnmatchedLines[0])"))
        output += conflict.all + mismatch.all

        let list = try items(h)
        let conflicts = list.filter { $0["kind"] as? String == "conflict" }
        #expect(conflicts.compactMap { $0["patient_id"] as? String } == answers.conflicts)
        #expect(conflicts.allSatisfy { ($0["codes"] as? [String]) == ["CONFLICT"] && $0["other_panel"] is String
                    && ($0["other_provider"] as? String)?.hasPrefix("PRV-") == true })
        var found: [String: [WorklistCode]] = [:]
        for item in list where item["kind"] as? String == "mismatch" {
            found[item["patient_id"] as? String ?? ""] = (item["codes"] as? [String] ?? []).compactMap(WorklistCode.init)
        }
        #expect(found == answers.mismatches)
        // Every item carries exactly the keys of §14.
        let keys: Set<String> = ["id", "kind", "patient_id", "panel", "codes", "other_panel", "other_provider",
                                 "report_date", "opened", "status", "outcome", "closed"]
        #expect(list.allSatisfy { Set($0.keys) == keys })
        #expect(list.allSatisfy { $0["report_date"] as? String == "2026-11-05" && $0["status"] as? String == "open" })

        for args in [["worklist"], ["worklist", "--json", "--all"], ["hygiene", "--as-of", "2026-11-15"],
                     ["hygiene", "--json", "--as-of", "2026-11-15"], ["audit", "--json"], ["audit"]] {
            let r = try run(h, args)
            #expect(r.status == 0, "\(args): \(r.all)")
            output += r.all
        }
        // The HTML report shows the open items and the hygiene figures (§13).
        let html = h.dir.appendingPathComponent("report.html").path
        let report = try h.ctl("report", "--html", html, "--as-of", "2026-11-15")
        #expect(report.status == 0, "\(report.all)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("id=\"open-items\"") && page.contains("id=\"hygiene\""))
        #expect(page.contains(answers.conflicts[0]) && page.contains("MISMATCH_UNSPECIFIED"))
        output += page
        // patient show: the open item and the membership history.
        let show = try h.ctl("patient", "show", answers.conflicts[0], "--json")
        #expect(show.status == 0, "\(show.all)")
        let shown = try json(show.stdout)
        let conflictID = conflicts.first?["id"] as? Int
        #expect((shown["open_items"] as? [Int]) == conflictID.map { [$0] })
        let history = try #require(shown["history"] as? [[String: Any]])
        #expect(history.first?["command"] as? String == "bulk import" && history.first?["panel_before"] is NSNull)
        let human = try h.ctl("patient", "show", answers.conflicts[0])
        #expect(human.stdout.contains("conflict CONFLICT") && human.stdout.contains("bulk import: panel - →"))
        output += show.all + human.all
        // Privacy: no value from the reports in any output or in the state store's bytes.
        let state = h.dir.appendingPathComponent("state")
        var stored = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: state.path) {
            stored += try Data(contentsOf: state.appendingPathComponent(file))
        }
        #expect(answers.reportValues.count > 30)
        for value in answers.reportValues {
            #expect(!output.contains(value), "output leaks a report value")
            #expect(stored.range(of: Data(value.utf8)) == nil, "the state store holds a report value")
        }
        // The report files were read in place, never copied.
        let copies = try FileManager.default.subpathsOfDirectory(atPath: h.dir.path).filter { $0.contains("cpar-") }
        #expect(copies.count == 2)
    }

    func run(_ h: Harness, _ args: [String]) throws -> Harness.Output {
        try h.run("cparctl", args + ["--config", h.config])
    }

    // MARK: import rules

    @Test func reImportIsIdempotentAndANewerReportClears() throws {
        let h = try basic()
        defer { h.cleanup() }
        let november = try writeReport(h, "nov.csv", """
            PHN,Surname,Other Panel,Other Provider
            123456782,ZED-FAMILY,8100004242,PRV-1
            223456783,YOUNG,8100004242,PRV-1
            """)
        var r = try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", november, "--date", "2026-11-05")
        #expect(r.status == 0 && r.stdout.contains("2 opened, 0 still open, 0 cleared"), "\(r.all)")
        r = try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", november, "--date", "2026-11-05")
        #expect(r.status == 0 && r.stdout.contains("0 opened, 2 still open, 0 cleared"), "\(r.all)")
        #expect(try items(h).count == 2)
        let december = try writeReport(h, "dec.csv", "PHN,Surname,Other Panel,Other Provider\n123456782,ZED,8100004242,PRV-1\n")
        r = try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", december, "--date", "2026-12-05")
        #expect(r.status == 0 && r.stdout.contains("0 opened, 1 still open, 1 cleared"), "\(r.all)")
        let all = try items(h, all: true)
        let cleared = try #require(all.first { $0["patient_id"] as? String == "P2" })
        #expect(cleared["status"] as? String == "closed" && cleared["outcome"] as? String == "cleared"
                && cleared["closed"] as? String == "2026-12-05")
        #expect(try items(h).map { $0["patient_id"] as? String } == ["P1"])
        // An older report is refused and changes nothing.
        r = try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", november, "--date", "2026-10-05")
        #expect(r.status == 1 && r.stderr.contains("import newer reports only"), "\(r.all)")
        #expect(try items(h, all: true).count == 2)
    }

    @Test func mapNamesColumnsTheSynonymsMiss() throws {
        let h = try basic()
        defer { h.cleanup() }
        let report = try writeReport(h, "odd.csv", """
            Client No.,Nom de famille,Prénom,Naissance,Sexe
            123456782,ZED FAMILY,ALPHA,02-Jan-1970,F
            223456783,YOUNG,BETA,1980/03/05,M
            """)
        var r = try h.ctl("cpar-report", "import", "--kind", "mismatch", "--csv", report)
        #expect(r.status == 1 && r.stderr.contains("no PHN column") && r.stderr.contains("--map phn="), "\(r.all)")
        r = try h.ctl("cpar-report", "import", "--kind", "mismatch", "--csv", report, "--date", "2026-11-05",
                      "--map", "phn=Client No.", "--map", "family_name=nom de famille", "--map", "given_name=Prénom",
                      "--map", "birth_date=Naissance", "--map", "gender=SEXE")
        #expect(r.status == 0, "\(r.all)")
        let found = try items(h).map { ($0["patient_id"] as? String ?? "", $0["codes"] as? [String] ?? []) }
        #expect(found.map(\.0) == ["P1", "P2"])
        #expect(found[0].1 == ["MISMATCH_UNSPECIFIED"], "ZED FAMILY = Zed-Family, dates in DD-Mon-YYYY")
        #expect(found[1].1 == ["MISMATCH_DOB"], "1980/03/05 is not 1980-03-04")
        r = try h.ctl("cpar-report", "import", "--kind", "mismatch", "--csv", report, "--map", "shoe=X")
        #expect(r.status == 2 && r.stderr.contains("unknown field"), "\(r.all)")
    }

    @Test func aLatin1ReportComparesNamesAsTheEMRWritesThem() throws {
        let h = try basic()
        defer { h.cleanup() }
        try h.write("patients.csv", """
            patient_id,phn,family_name,given_name,dob,gender,status,mrp_provider_id
            P1,123456782,Côté,Renée,1970-01-02,F,active,DR1
            P2,223456783,Young,Beta,1980-03-04,M,Active,DR1
            """)
        var bytes = Array("PHN,Surname,First Name\n123456782,C".utf8)
        bytes += [0xF4] + Array("t".utf8) + [0xE9] + Array(",REN".utf8) + [0xC9] + Array("E\n".utf8)
        bytes += Array("223456783,YOUNG,BETTY\n".utf8)
        let path = h.dir.appendingPathComponent("latin1.csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try h.ctl("cpar-report", "import", "--kind", "mismatch", "--csv", path, "--date", "2026-11-05")
        #expect(r.status == 0, "\(r.all)")
        let codes = try items(h).map { $0["codes"] as? [String] ?? [] }
        #expect(codes == [["MISMATCH_UNSPECIFIED"], ["MISMATCH_GIVEN_NAME"]])
    }

    @Test func theWorklistAndAuditTablesFit120ColumnsWhateverTheValues() throws {
        let h = try basic()
        defer { h.cleanup() }
        // Every demographic field differs: four codes on one item, the widest the codes column gets.
        let path = try writeReport(h, "mismatch.csv", """
            PHN,Surname,First Name,Date of Birth,Sex
            123456782,Zzyzx,Quentin,1901-12-31,X
            """)
        let r = try h.ctl("cpar-report", "import", "--kind", "mismatch", "--csv", path, "--date", "2026-11-05")
        #expect(r.status == 0, "\(r.all)")
        #expect(try items(h).first?["codes"] as? [String] == ["MISMATCH_FAMILY_NAME", "MISMATCH_GIVEN_NAME",
                                                                   "MISMATCH_DOB", "MISMATCH_GENDER"])
        for args in [["worklist"], ["worklist", "--all"], ["audit"]] {
            let out = try h.run("cparctl", args + ["--config", h.config])
            #expect(out.status == 0, "\(out.all)")
            for line in out.stdout.split(separator: "\n") {
                #expect(line.count <= 120, "\(args): \(line.count) columns: \(line)")
            }
        }
    }

    @Test func unmatchedAndUnreadableRowsAreReportedByLineAndNothingIsCleared() throws {
        let h = try basic()
        defer { h.cleanup() }
        let first = try writeReport(h, "a.csv", "ULI,DOB\n123456782,1970-01-02\n223456783,1980-03-04\n")
        #expect(try h.ctl("cpar-report", "import", "--kind", "mismatch", "--csv", first, "--date", "2026-11-05").status == 0)
        let second = try writeReport(h, "b.csv", """
            ULI,DOB
            123456782,1970-01-02
            999999999,1970-01-02
            223456783,04/03/1980
            ,1970-01-02
            123456782
            """)
        let r = try h.ctl("cpar-report", "import", "--kind", "mismatch", "--csv", second, "--date", "2026-12-05")
        #expect(r.status == 1, "\(r.all)")
        #expect(r.stdout.contains("5 rows read, 1 matched, 1 unmatched, 3 unreadable"), "\(r.all)")
        #expect(r.stdout.contains("by line: 3 "))
        #expect(r.stdout.contains("line 4: birth date is not") && r.stdout.contains("line 5: no PHN")
                && r.stdout.contains("line 6: 1 fields"))
        #expect(r.stdout.contains("not cleared"))
        #expect(try items(h).count == 2, "P2's item stays open: its row could not be read")
        #expect(!r.all.contains("999999999") && !r.all.contains("04/03/1980"))
    }

    @Test func badInputGivesAClearErrorAndImportsNothing() throws {
        let h = try basic()
        defer { h.cleanup() }
        func importing(_ path: String) throws -> Harness.Output {
            try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", path, "--date", "2026-11-05")
        }
        var r = try importing(try writeReport(h, "empty.csv", ""))
        #expect(r.status == 1 && r.stderr.contains("no header row"), "\(r.all)")
        r = try importing(try writeReport(h, "nophn.csv", "Surname,DOB\nZED-FAMILY,1970-01-02\n"))
        #expect(r.status == 1 && r.stderr.contains("no PHN column"), "\(r.all)")
        r = try importing(h.dir.appendingPathComponent("absent.csv").path)
        #expect(r.status == 1 && r.stderr.contains("not found"), "\(r.all)")
        var random = SeededRandom(seed: 11)
        let binary = Data((0..<200_000).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        let binaryPath = h.dir.appendingPathComponent("report.xlsx").path
        try binary.write(to: URL(fileURLWithPath: binaryPath))
        r = try importing(binaryPath)
        #expect(r.status == 1 && r.stderr.contains("cannot read") || r.stderr.contains("no PHN column"), "\(r.all)")
        #expect(try items(h, all: true).isEmpty, "nothing imported")
        #expect(try h.ctl("audit", "--json").stdout.contains("\"command\": \"bulk import\""))
    }

    /// The import's one transaction cannot commit (another process holds the write lock past the busy timeout):
    /// nothing of the report is kept.
    @Test func aFailedImportLeavesNothingBehind() throws {
        let h = try basic()
        defer { h.cleanup() }
        let report = try writeReport(h, "c.csv", "PHN,Other Panel\n123456782,81\n")
        let database = h.dir.appendingPathComponent("state/cpard.sqlite").path
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [database]
        let input = Pipe(), output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.runWithEmptySignalMask()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("locked") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        #expect(String(decoding: seen, as: UTF8.self).contains("locked"), "the other process holds the write lock")
        let r = try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", report, "--date", "2026-11-05")
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(r.status == 1 && r.stderr.contains("locked"), "\(r.all)")
        #expect(try items(h, all: true).isEmpty)
        let imports = try Subprocess.run("/usr/bin/sqlite3", [database, "SELECT count(*) FROM cpar_report_imports"])
        #expect(imports.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        // Once the lock is gone, the same import goes through.
        #expect(try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", report, "--date", "2026-11-05").status == 0)
        #expect(try items(h).count == 1)
    }

    @Test func aFiftyMegabyteReportGivesASummary() throws {
        let h = try basic()
        defer { h.cleanup() }
        let path = h.dir.appendingPathComponent("big.csv").path
        var text = "PHN,Last Name,First Name,Date of Birth,Conflicting Panel,Conflicting Provider\n"
        let line = "123456782,ZED-FAMILY,ALPHA,02-Jan-1970,8100004242,PRV-1\n"
        text.reserveCapacity(52_000_000)
        var n = 0
        while text.utf8.count < 50_000_000 {
            text += n % 2 == 0 ? line : "\(String(100_000_000 + n % 899_999_999)),SOMEONE,ELSE,01-Jan-1970,81,PRV-2\n"
            n += 1
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let r = try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", path, "--date", "2026-11-05")
        #expect(r.status == 1, "unmatched rows: \(r.stderr)")
        #expect(r.stdout.contains("\(n) rows read, \((n + 1) / 2) matched, \(n / 2) unmatched"), "\(r.stdout.prefix(300))")
        #expect(r.stdout.contains("1 opened"), "one patient's conflict, however many rows name it")
        #expect(r.stdout.count < 4000, "a summary, not a listing")
        #expect(try items(h).count == 1)
    }

    // MARK: worklist resolve

    @Test func eachResolutionOutcome() throws {
        let h = try basic()
        defer { h.cleanup() }
        let report = try writeReport(h, "c.csv", """
            PHN,Other Panel
            123456782,81
            223456783,82
            323456784,83
            """)
        // P3 is on panel 1002 and inactive; P4 is not in the report.
        var r = try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", report, "--date", "2026-11-05")
        #expect(r.stdout.contains("3 opened"), "\(r.all)")
        let ids = try items(h).compactMap { $0["id"] as? Int }
        #expect(ids.count == 3)
        r = try h.ctl("worklist", "resolve", String(ids[0]), "--outcome", "kept", "--note", "patient chose us")
        #expect(r.status == 0 && r.stdout.contains("closed: kept"), "\(r.all)")
        r = try h.ctl("worklist", "resolve", String(ids[1]), "--outcome", "removed")
        #expect(r.status == 0 && r.stdout.contains("taken off panel 1001"), "\(r.all)")
        #expect(try h.ctl("patient", "remove", "P2").status == 1, "P2 is on no panel any more")
        r = try h.ctl("worklist", "resolve", String(ids[2]), "--outcome", "corrected")
        #expect(r.status == 0)
        #expect(try items(h).isEmpty)
        let outcomes = try items(h, all: true).compactMap { $0["outcome"] as? String }
        #expect(outcomes == ["kept", "removed", "corrected"])
        #expect(try h.ctl("worklist", "resolve", String(ids[0]), "--outcome", "other").status == 1, "already closed")
        #expect(try h.ctl("worklist", "resolve", "999", "--outcome", "other").status == 1)
        #expect(try h.ctl("worklist", "resolve", String(ids[0]), "--outcome", "deleted").status == 2)
        #expect(try h.ctl("worklist", "resolve", String(ids[0]), "--outcome", "cleared").status == 2,
                "cleared is for newer reports only")
        let trail = try json(try h.ctl("audit", "--patient", "P2", "--json").stdout)["entries"] as? [[String: Any]]
        #expect(trail?.last?["command"] as? String == "worklist resolve")
        #expect(trail?.last?["panel_before"] as? String == "1001" && trail?.last?["panel_after"] is NSNull)
        // The other outcome.
        r = try h.ctl("cpar-report", "import", "--kind", "conflict", "--csv", report, "--date", "2026-12-05")
        let open = try items(h).compactMap { $0["id"] as? Int }
        #expect(try h.ctl("worklist", "resolve", String(open[0]), "--outcome", "other").stdout.contains("closed: other"))
    }

    // MARK: hygiene

    @Test func hygieneFiguresOnKnownData() throws {
        let h = try basic()
        defer { h.cleanup() }
        try h.ctl("panel", "edit", "1002", "--cpar")
        // A Submitted submission of panel 1001 with 5 patients, delivered 2026-10-07 (local).
        let config = try ConfigParserHelper.load(h.config)
        let store = try StateStore(path: config.databasePath)
        let panel = try #require(try store.findPanel("1001"))
        var s = Submission(id: "11111111-1111-1111-1111-111111111111", panelID: panel.id, panelLabel: "1001",
                           period: Period("2026-10")!, trigger: .manual, status: .submitted, created: 1_791_000_000)
        s.delivered = 1_791_400_000   // 2026-10-07T18:26:40Z
        s.patients = 5
        try store.insertSubmission(s)

        let r = try h.ctl("hygiene", "--json", "--as-of", "2026-11-15")
        #expect(r.status == 0, "\(r.all)")
        let panels = try #require(try json(r.stdout)["panels"] as? [[String: Any]])
        #expect(try json(r.stdout)["as_of"] as? String == "2026-11-15")
        let a = try #require(panels.first { $0["panel"] as? String == "1001" })
        // P1: confirmed 2022-01-01 (stale), last visit 2025-02-11. P2: confirmed 2025-01-01, last visit 2023-09-09
        // (more than 3 years before the as-of date: not seen).
        #expect(a["members"] as? Int == 2 && a["valid"] as? Int == 2)
        #expect(a["confirmation_rate"] as? Double == 0.5)
        #expect(a["stale_confirmations"] as? Int == 1 && a["no_confirmation"] as? Int == 0)
        #expect(a["not_seen"] as? Int == 1 && a["never_seen"] as? Int == 0)
        #expect(a["open_items"] as? [String: Int] == ["conflict": 0, "mismatch": 0])
        let last = a["last_submitted"] as? [String: Any]
        #expect(last?["date"] as? String == "2026-10-07" && last?["patients"] as? Int == 5)
        #expect(a["change_since_submitted"] as? Int == -3)
        let b = try #require(panels.first { $0["panel"] as? String == "1002" })
        // P3: no confirmation, inactive, visit 2024-04-04. P4: confirmed 2026-01-01, no PHN, never seen.
        #expect(b["members"] as? Int == 2 && b["valid"] as? Int == 0)
        #expect(b["confirmation_rate"] as? Double == 0.5 && b["no_confirmation"] as? Int == 1)
        #expect(b["not_seen"] as? Int == 0 && b["never_seen"] as? Int == 1)
        #expect(b["last_submitted"] is NSNull && b["change_since_submitted"] is NSNull)
        let expectedKeys: Set<String> = ["panel", "members", "valid", "confirmation_rate", "stale_confirmations",
                                         "no_confirmation", "not_seen", "never_seen", "open_items", "last_submitted",
                                         "change_since_submitted"]
        #expect(panels.allSatisfy { Set($0.keys) == expectedKeys })
        // Shorter limits from the config.
        try h.writeConfig("hygiene.confirmation_max_age = 30d\nhygiene.visit_max_age = 1y\n")
        let short = try json(try h.ctl("hygiene", "--json", "--as-of", "2026-11-15", "--panel", "1001").stdout)
        let p = try #require((short["panels"] as? [[String: Any]])?.first)
        #expect(p["stale_confirmations"] as? Int == 2 && p["not_seen"] as? Int == 2 && p["confirmation_rate"] as? Double == 0)
        let human = try h.ctl("hygiene", "--as-of", "2026-11-15")
        #expect(human.status == 0 && human.stdout.contains("confirmation rate") && human.stdout.contains("-3 valid"))
    }

    // MARK: audit

    @Test func everyMembershipCommandIsAudited() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.ctl("panel", "add", "--name", "A", "--number", "1001", "--facility", "1", "--practitioner", "DR1")
        try h.ctl("panel", "add", "--name", "B", "--number", "1002", "--facility", "1", "--practitioner", "DR1")
        let sudo = try h.run("cparctl", ["patient", "assign", "P1", "--panel", "1001", "--config", h.config],
                             environment: ["SUDO_USER": "alice"])
        #expect(sudo.status == 0, "\(sudo.all)")
        let csv = try writeReport(h, "import.csv", "patient_id,panel,confirmation_date\nP1,1001,2024-01-01\nP4,1002,2026-01-01\n")
        #expect(try h.ctl("bulk", "import", "--csv", csv).status == 0)
        for args in [["bulk", "remove", "--panel", "1001", "--dry-run"], ["patient", "confirm", "P1"],
                     ["patient", "remove", "P1"],
                     ["bulk", "assign", "--provider", "DR1", "--panel", "1002", "--dry-run", "--as-of", "2026-01-01"],
                     ["bulk", "assign", "--provider", "DR1", "--panel", "1001", "--as-of", "2026-01-01"],
                     ["bulk", "move", "--from", "1001", "--to", "1002"], ["bulk", "remove", "--panel", "1002"]] {
            let r = try run(h, args)
            #expect(r.status == 0, "\(args): \(r.all)")
        }
        #expect(try h.ctl("patient", "assign", "P2", "--panel", "9999").status != 0)
        // Re-importing the same file changes nothing, so it writes nothing.
        #expect(try h.ctl("bulk", "import", "--csv", csv).status == 0)
        #expect(try h.ctl("bulk", "import", "--csv", csv).status == 0)

        let entries = try #require(try json(try h.ctl("audit", "--json").stdout)["entries"] as? [[String: Any]])
        let commands = entries.map { "\($0["command"] as? String ?? "") \($0["patient_id"] as? String ?? "")" }
        #expect(commands == ["patient assign P1", "bulk import P1", "bulk import P4", "patient confirm P1",
                             "patient remove P1", "bulk assign P1", "bulk assign P2", "bulk move P1", "bulk move P2",
                             "bulk remove P1", "bulk remove P2", "bulk remove P4", "bulk import P1", "bulk import P4"])
        #expect(entries[0]["user"] as? String == "alice", "SUDO_USER names the person")
        #expect(entries[0]["panel_before"] is NSNull && entries[0]["panel_after"] as? String == "1001")
        #expect(entries[1]["confirmation_after"] as? String == "2024-01-01")
        #expect(entries[3]["confirmation_before"] as? String == "2024-01-01")
        #expect(entries[5]["confirmation_after"] as? String == "2025-02-11", "bulk assign: the last visit")
        #expect(entries[7]["panel_before"] as? String == "1001" && entries[7]["panel_after"] as? String == "1002")
        let keys: Set<String> = ["time", "user", "command", "patient_id", "panel_before", "panel_after",
                                 "confirmation_before", "confirmation_after"]
        #expect(entries.allSatisfy { Set($0.keys) == keys && ($0["time"] as? String)?.hasSuffix("Z") == true })
        func count(_ args: String...) throws -> Int {
            (try json(try run(h, ["audit", "--json"] + args).stdout)["entries"] as? [Any])?.count ?? -1
        }
        #expect(try count("--patient", "P1") == 8)
        #expect(try count("--panel", "1001") == 9)
        #expect(try count("--since", "2099-01-01") == 0)
        #expect(try count("--since", "2000-01-01") == 14)
        #expect(try h.ctl("audit").stdout.contains("1001 → 1002"))
    }
}

/// Reads the harness's config as cparctl does.
enum ConfigParserHelper {
    static func load(_ path: String) throws -> Config {
        try ConfigParser.parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
    }
}
