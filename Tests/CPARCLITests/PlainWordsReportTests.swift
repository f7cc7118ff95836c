import Foundation
import Testing

/// SPEC §13: `validate` in plain words, `status` and `history` as TELUS CHR and Juno show them, `submit` telling
/// the user when no cpard runs. Against the real `cparctl` and `cpard`.
@Suite("validate, status and history in plain words")
struct PlainWordsReportTests {
    /// Basic EMR plus P5 (same PHN as P1) and P6 (an unreadable birth date); panel 1: P1, P4, P6; panel 2: P2, P5.
    func duplicates() throws -> Harness {
        let h = try Harness()
        try h.writeBasicEMR()
        try h.write("patients.csv", """
            patient_id,phn,family_name,given_name,dob,gender,status,mrp_provider_id
            P1,123456782,Zed-Family,Alpha,1970-01-02,F,active,DR1
            P2,223456783,Young,Beta,1980-03-04,M,Active,DR1
            P3,323456784,Old,Gamma,1990-05-06,X,inactive,DR1
            P4,,Nophn,Delta,1960-07-08,F,active,DR2
            P5,123-456-782,Twin,Epsilon,1971-01-02,F,active,DR1
            P6,423456785,Baddate,Zeta,1971-13-45,M,active,DR1
            """)
        try h.write("appointments.csv", """
            appointment_id,patient_id,provider_id,date,status
            A1,P1,DR1,2024-01-10,completed
            A2,P2,DR1,2023-09-09,booked
            A3,P5,DR1,2024-04-04,completed
            A4,P6,DR1,2024-05-05,completed
            """)
        try h.ctl("site", "set", "--name", "Test Clinic", "--site-id", "S1")
        try h.ctl("panel", "add", "--name", "Osler", "--number", "1", "--facility", "1", "--practitioner", "DR1")
        try h.ctl("panel", "add", "--name", "Banting", "--number", "2", "--facility", "1", "--practitioner", "DR1")
        for (p, panel) in [("P1", "1"), ("P4", "1"), ("P6", "1"), ("P2", "2"), ("P5", "2")] {
            #expect(try h.ctl("patient", "assign", p, "--panel", panel).status == 0)
        }
        return h
    }

    @Test func humanValidateHasAHeaderAReasonTableAndInputProblemsOnce() throws {
        let h = try duplicates()
        defer { h.cleanup() }
        let r = try h.ctl("validate", "--as-of", "2026-01-01")
        #expect(r.status == 1)
        let out = r.stdout
        #expect(out.contains("Panel 1  Osler — 0 valid, 3 excluded"), "\(out)")
        #expect(out.contains("Panel 2  Banting — 1 valid, 1 excluded"), "\(out)")
        let noVisit = try #require(out.split(separator: "\n").first { $0.contains("NO_LAST_VISIT") })
        #expect(noVisit.contains(" 1  no completed visit on or before 2026-01-01 — book or record a visit"), "\(noVisit)")
        #expect(out.contains("P1        same PHN as P5") || out.contains("P1  same PHN as P5"), "\(out)")
        #expect(out.contains("same PHN as P1"))
        #expect(out.components(separatedBy: "Problems in the EMR export").count == 2, "input problems once per run")
        #expect(out.components(separatedBy: "field dob").count == 2)
        #expect(out.contains("line 7"), "the first lines of each group")
        for l in out.split(separator: "\n") { #expect(l.count <= 120, "\(l)") }
    }

    @Test func jsonValidateHasReasonCountsAndDuplicateOf() throws {
        let h = try duplicates()
        defer { h.cleanup() }
        let r = try h.ctl("validate", "--json", "--as-of", "2026-01-01")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let panels = try #require(object["panels"] as? [[String: Any]])
        let one = try #require(panels.first { $0["panel"] as? String == "1" })
        #expect(one["reasons"] as? [String: Int] == ["MISSING_PHN": 1, "NO_LAST_VISIT": 1, "MISSING_DOB": 1, "DUPLICATE_PHN": 1])
        let p1 = try #require((one["excluded"] as? [[String: Any]])?.first { $0["patient_id"] as? String == "P1" })
        #expect(p1["duplicate_of"] as? [String] == ["P5"])
        let two = try #require(panels.first { $0["panel"] as? String == "2" })
        let p5 = try #require((two["excluded"] as? [[String: Any]])?.first { $0["patient_id"] as? String == "P5" })
        #expect(p5["duplicate_of"] as? [String] == ["P1"])
    }

    @Test func jsonValidatePrintsItsJSONOnAFileLevelError() throws {
        let h = try duplicates()
        defer { h.cleanup() }
        try h.write("patients.csv", "patient_id,family_name\nP1,X\n")
        let r = try h.ctl("validate", "--json", "--as-of", "2026-01-01")
        #expect(r.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((object["error"] as? String)?.contains("patients.csv") == true)
        #expect(object["panels"] as? [Any] != nil && object["as_of"] as? String == "2026-01-01")
        #expect(r.stderr.contains("patients.csv"))
    }

    @Test func submitSaysWhenNoCpardRunsAndStatusNeverShowsAPastNextAttempt() throws {
        let (h, sim) = try Harness.submittable()
        defer { sim.stop(); h.cleanup() }
        let r = try h.ctl("submit", "--panel", "1001")
        #expect(r.status == 0)
        #expect(r.stderr.contains("cpard is not running") && r.stderr.contains("goes when cpard runs"), "\(r.stderr)")
        sleep(2)
        let before = Date().addingTimeInterval(-1)
        let next = try #require(try h.panelStatus()["next_attempt"] as? String)
        let at = try #require(ISO8601DateFormatter().date(from: next))
        #expect(at >= before, "next attempt \(next) is not in the past")
        #expect(try h.ctl("status").stdout.contains("cpard is not running"))
        // With a cpard holding the state directory's lock, no such note.
        let lock = Process()
        lock.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        lock.arguments = [h.dir.appendingPathComponent("state/cpard.lock").path, "/bin/sleep", "60"]
        try lock.run()
        defer { lock.terminate(); lock.waitUntilExit() }
        let deadline = Date().addingTimeInterval(20)
        while try h.run("/usr/bin/flock", ["-n", h.dir.appendingPathComponent("state/cpard.lock").path, "true"]).status == 0,
              Date() < deadline { usleep(50_000) }
        try h.ctl("patient", "assign", "P2", "--panel", "1001")
        try h.ctl("panel", "add", "--name", "Second", "--number", "1002", "--facility", "1", "--practitioner", "DR1")
        let second = try h.ctl("submit", "--panel", "1002")
        #expect(second.status == 0 && !second.stderr.contains("not running"), "\(second.stderr)")
    }

    /// Local time in the configured zone, as `status` and `history` print it.
    func local(_ iso: String) throws -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "America/Edmonton")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: try #require(ISO8601DateFormatter().date(from: iso)))
    }

    @Test func statusAndHistoryAreLocalNamedAndFitOneHundredTwentyColumns() throws {
        let (h, sim) = try Harness.submittable()
        defer { sim.stop(); h.cleanup() }
        let long = "Dr. " + String(repeating: "Osler-Banting ", count: 14)
        try h.ctl("panel", "edit", "1001", "--name", long)
        #expect(try h.ctl("submit", "--panel", "1001", "--reason", "monthly catch-up", "--requested-by", "alice").status == 0)
        try h.once()
        // A second panel fails before anything is posted (its practitioner has no practitioner ID).
        try h.ctl("panel", "add", "--name", "Banting", "--number", "1002", "--facility", "1", "--practitioner", "DR2")
        try h.ctl("patient", "assign", "P4", "--panel", "1002")
        try h.ctl("submit", "--panel", "1002")
        try h.once()
        let history = try h.history()
        let first = try #require(history.first { $0["panel"] as? String == "1001" })
        #expect(first["status"] as? String == "Submitted")
        #expect(first["trigger"] as? String == "manual" && first["requested_by"] as? String == "alice")
        #expect(first["reason"] as? String == "monthly catch-up" && first["name"] as? String == long)
        let failed = try #require(history.first { $0["panel"] as? String == "1002" })
        #expect(failed["status"] as? String == "Failed" && failed["attempts"] as? Int == 0)

        let status = try h.ctl("status")
        let historyText = try h.ctl("history")
        for out in [status.stdout, historyText.stdout] {
            for l in out.split(separator: "\n") { #expect(l.count <= 120, "\(l.count): \(l)") }
            #expect(out.contains("America/Edmonton"))
        }
        #expect(status.stdout.contains("Dr. Osler-Banting") && status.stdout.contains("…"))
        #expect(status.stdout.contains(try local(try #require(try h.panelStatus()["created"] as? String))))
        let s1 = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("1001") })
        #expect(s1.contains("Submitted") && s1.contains(" 2 "), "\(s1)")
        #expect(historyText.stdout.contains(try local(try #require(first["delivered"] as? String))))
        let h1 = try #require(historyText.stdout.split(separator: "\n").first { $0.hasPrefix("1001") })
        #expect(h1.contains("manual") && h1.contains("alice") && h1.contains("Submitted"), "\(h1)")
        #expect(historyText.stdout.contains("reason: monthly catch-up"))
        let h2 = try #require(historyText.stdout.split(separator: "\n").first { $0.hasPrefix("1002") })
        let cells = h2.split(separator: " ", omittingEmptySubsequences: true)
        #expect(cells.suffix(3).first == "-", "nothing posted: PATIENTS is a dash (\(h2))")
        #expect(historyText.stdout.contains("error: "))
        let s2 = try #require(try h.ctl("status", "--json").stdout.data(using: .utf8))
        let panels = try #require((try JSONSerialization.jsonObject(with: s2) as? [String: Any])?["panels"] as? [[String: Any]])
        #expect(panels.first?["name"] as? String == long && panels.first?["requested_by"] as? String == "alice")
        #expect(panels.first?["trigger"] as? String == "manual" && panels.first?["reason"] as? String == "monthly catch-up")
    }

    @Test func aRequeueReadsAsRequeueInHistory() throws {
        let (h, sim) = try Harness.submittable(faults: ["mode": "reject_sync"])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try h.once()
        #expect(try h.panelStatus()["status"] as? String == "Failed")
        let d = try RunningDaemon(h, notify: nil)
        defer { d.stop() }
        #expect(d.waitForLog("event=service.ready"))
        d.signal(SIGUSR1)
        #expect(d.waitForLog("event=queue.requeued"))
        let newest = try #require(try h.history().first)
        #expect(newest["trigger"] as? String == "re-queue")
        #expect(try h.ctl("history").stdout.contains("re-queue"))
    }

    /// The trigger is what happened, not what a person typed: a manual submit whose reason reads like cpard's own
    /// re-queue reason is still "manual".
    @Test func aManualSubmitIsManualWhateverItsReason() throws {
        let (h, sim) = try Harness.submittable()
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001", "--reason", "re-queued after failure")
        let newest = try #require(try h.history().first)
        #expect(newest["trigger"] as? String == "manual", "\(newest)")
        #expect(!(try h.ctl("history").stdout.contains("re-queue")))
    }
}
