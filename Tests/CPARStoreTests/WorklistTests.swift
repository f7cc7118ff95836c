import CPARCore
import CPARStore
import Testing

/// §14 worklist: opening, idempotent re-import, clearing by a newer report, resolving.
@Suite("worklist items")
struct WorklistTests {
    typealias Item = StateStore.ReportedItem

    func importReport(_ store: StateStore, _ kind: CPARReportKind, _ day: String, _ items: [Item],
                      clear: Bool = true) throws -> StateStore.ReportImportResult {
        try store.importReport(kind: kind, date: date(day), items: items, clear: clear, today: date("2026-11-20"),
                               user: "alice", rows: items.count, unmatched: 0)
    }

    func importReport(_ store: StateStore, _ day: String, _ items: [Item],
                      clear: Bool = true) throws -> StateStore.ReportImportResult {
        try importReport(store, .conflict, day, items, clear: clear)
    }

    func conflict(_ patient: String, _ panel: Int64, other: String = "8100004242") -> Item {
        Item(patientID: patient, panelID: panel, codes: [.conflict], otherPanel: other, otherProvider: "PRV-1")
    }

    @Test func reImportIsIdempotentAndANewerReportClears() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A", number: "1001"))
            var r = try importReport(store, "2026-11-05", [conflict("p1", a.id), conflict("p2", a.id)])
            #expect(r.opened == 2 && r.stillOpen == 0 && r.cleared == 0)
            r = try importReport(store, "2026-11-05", [conflict("p1", a.id), conflict("p2", a.id)])
            #expect(r.opened == 0 && r.stillOpen == 2 && r.cleared == 0)
            #expect(try store.worklistItems().count == 2, "no duplicates")
            // A mismatch report does not touch conflict items.
            r = try importReport(store, .mismatch, "2026-12-05", [Item(patientID: "p3", panelID: a.id, codes: [.dob])])
            #expect(r.opened == 1 && r.cleared == 0)
            // December's conflict report lists p1 only (and a new conflict of p1 with another panel).
            r = try importReport(store, "2026-12-05", [conflict("p1", a.id), conflict("p1", a.id, other: "8100008484")])
            #expect(r.opened == 1 && r.stillOpen == 1 && r.cleared == 1)
            let all = try store.worklistItems(includeClosed: true)
            let p2 = try #require(all.first { $0.patientID == "p2" })
            #expect(p2.outcome == .cleared && p2.closed == date("2026-12-05") && !p2.isOpen)
            let p1 = try #require(all.first { $0.patientID == "p1" && $0.otherPanel == "8100004242" })
            #expect(p1.isOpen && p1.reportDate == date("2026-11-05") && p1.lastReportDate == date("2026-12-05"))
            #expect(p1.panelLabel == "1001" && p1.codes == [.conflict] && p1.opened == date("2026-11-20"))
            #expect(try store.worklistItems().count == 3)
            #expect(try store.openWorklistCounts()[a.id] == [.conflict: 2, .mismatch: 1])
        }
    }

    @Test func aMismatchItemFollowsTheLatestCodes() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            _ = try importReport(store, .mismatch, "2026-11-05", [Item(patientID: "p1", panelID: a.id, codes: [.dob, .gender])])
            let r = try importReport(store, .mismatch, "2026-12-05", [Item(patientID: "p1", panelID: a.id, codes: [.gender])])
            #expect(r.stillOpen == 1 && r.opened == 0)
            #expect(try store.worklistItems().map(\.codes) == [[.gender]])
        }
    }

    @Test func anOlderReportChangesNothingAndAnUnreadReportDoesNotClear() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            _ = try importReport(store, "2026-12-05", [conflict("p1", a.id)])
            let older = try importReport(store, "2026-11-05", [conflict("p2", a.id)])
            #expect(older.newerReportDate == date("2026-12-05") && older.opened == 0)
            #expect(try store.worklistItems().map(\.patientID) == ["p1"])
            let partial = try importReport(store, "2027-01-05", [conflict("p3", a.id)], clear: false)
            #expect(partial.opened == 1 && partial.cleared == 0)
            #expect(try store.worklistItems().map(\.patientID) == ["p1", "p3"])
            // A report with no rows clears everything open of its kind.
            let empty = try importReport(store, "2027-02-05", [])
            #expect(try empty.cleared == 2 && store.worklistItems().isEmpty)
        }
    }

    @Test(arguments: [WorklistOutcome.kept, .corrected, .other])
    func resolvingKeepsThePatientOnThePanel(outcome: WorklistOutcome) throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            try store.assign(patientID: "p1", panelID: a.id, confirmationDate: nil)
            _ = try importReport(store, "2026-11-05", [conflict("p1", a.id)])
            let id = try #require(try store.worklistItems().first?.id)
            let result = try store.resolveWorklistItem(id: id, outcome: outcome, note: "phoned", on: date("2026-11-21"),
                                                       user: "alice")
            guard case .resolved(let item, let removed) = result else { Issue.record("\(result)"); return }
            #expect(item.outcome == outcome && item.closed == date("2026-11-21") && removed == nil)
            #expect(try store.membership(patientID: "p1") != nil)
            #expect(try store.worklistItem(id: id)?.note == "phoned")
            #expect(try store.worklistItems().isEmpty)
            guard case .alreadyClosed = try store.resolveWorklistItem(id: id, outcome: .kept, note: nil,
                                                                       on: date("2026-11-22"), user: "alice")
            else { Issue.record("closed twice"); return }
            // Re-importing the same report does not reopen what the administrator closed.
            let again = try importReport(store, "2026-11-05", [conflict("p1", a.id)])
            #expect(try again.alreadyClosed == 1 && again.opened == 0 && store.worklistItems().isEmpty)
            // A newer report that still lists it opens a new item.
            #expect(try importReport(store, "2026-12-05", [conflict("p1", a.id)]).opened == 1)
        }
    }

    @Test func removedTakesThePatientOffThePanelInTheSameTransaction() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A", number: "1001"))
            try store.assign(patientID: "p1", panelID: a.id, confirmationDate: date("2024-01-01"))
            _ = try importReport(store, "2026-11-05", [conflict("p1", a.id)])
            try store.setAuditActor(AuditActor(user: "alice", command: "worklist resolve"))
            let id = try #require(try store.worklistItems().first?.id)
            let result = try store.resolveWorklistItem(id: id, outcome: .removed, note: nil, on: date("2026-11-21"),
                                                       user: "alice")
            guard case .resolved(_, let removed) = result else { Issue.record("\(result)"); return }
            #expect(removed == "1001")
            #expect(try store.membership(patientID: "p1") == nil)
            let trail = try store.auditEntries(patientID: "p1")
            #expect(trail.last?.command == "worklist resolve" && trail.last?.panelBefore == "1001"
                    && trail.last?.panelAfter == nil)
            #expect(try store.resolveWorklistItem(id: 99, outcome: .kept, note: nil, on: date("2026-11-21"),
                                                  user: "alice") == .notFound)
        }
    }

    @Test func lastSubmittedIsTheNewestSubmittedSubmission() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A", number: "1001"))
            for (id, status, delivered, patients) in [("s1", SubmissionStatus.submitted, Int64(1_000), 10),
                                                       ("s2", .submitted, 5_000, 12), ("s3", .failed, 9_000, 0)] {
                var s = makeSubmission(id, panel: a, status: status)
                s.delivered = delivered
                s.patients = patients
                try store.insertSubmission(s)
            }
            let last = try #require(try store.lastSubmitted()[a.id])
            #expect(last.delivered == 5_000 && last.patients == 12)
        }
    }
}
