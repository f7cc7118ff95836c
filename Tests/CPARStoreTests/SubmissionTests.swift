import CPARCore
import CPARStore
import CPARTestSupport
import Testing

@Suite struct SubmissionTests {
    @Test func everyFieldRoundTrips() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A", number: "5"))
            let full = Submission(
                id: "6F1C1C1E-0000-4000-8000-000000000001", panelID: p.id, panelLabel: "5", period: period("2025-12"),
                trigger: .scheduled, status: .pending, created: 1_700_000_000, updated: 1_700_000_100,
                nextAttempt: 1_700_000_700, attempts: 3, delivered: 1_700_000_050, patients: 1234,
                error: "HTTP 503", trackingID: "T-1", payloadSHA256: String(repeating: "ab", count: 32),
                payloadPath: "/var/lib/cpard/payloads/x.xml", requestedBy: "alice", reason: "month end")
            let minimal = makeSubmission("s2", panel: p)
            try store.insertSubmission(full)
            try store.insertSubmission(minimal)
            #expect(try store.submission(id: full.id) == full)
            #expect(try store.submission(id: "s2") == minimal)
            #expect(try store.submission(id: "nope") == nil)
        }
    }

    @Test func updateSavesEveryField() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A", number: "5"))
            var s = makeSubmission("s1", panel: p, nextAttempt: 2_000)
            try store.insertSubmission(s)
            s.status = .failed
            s.updated = 3_000
            s.nextAttempt = nil
            s.attempts = 4
            s.delivered = 3_000
            s.error = "rejected: E12"
            s.trackingID = "T9"
            s.patients = 10
            s.payloadSHA256 = "00"
            s.payloadPath = "/tmp/p.xml"
            try store.updateSubmission(s)
            #expect(try store.submission(id: "s1") == s)
            #expect(throws: StoreError.submissionNotFound(id: "ghost")) {
                try store.updateSubmission(makeSubmission("ghost", panel: p))
            }
        }
    }

    @Test func idsAreUnique() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A"))
            try store.insertSubmission(makeSubmission("s1", panel: p))
            #expect(throws: StoreError.duplicateSubmissionID("s1")) {
                try store.insertSubmission(makeSubmission("s1", panel: p, period: "2025-04"))
            }
        }
    }

    @Test func oneScheduledSubmissionPerPanelAndPeriod() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A", number: "1"))
            let b = try store.insertPanel(makePanel("B", number: "2"))
            try store.insertSubmission(makeSubmission("s1", panel: a, period: "2025-03", trigger: .scheduled))
            #expect(throws: StoreError.duplicateScheduled(panelLabel: "1", period: period("2025-03"))) {
                try store.insertSubmission(makeSubmission("s2", panel: a, period: "2025-03", trigger: .scheduled,
                                                          status: .failed))
            }
            // Another period, another panel, and manual ones are fine.
            try store.insertSubmission(makeSubmission("s3", panel: a, period: "2025-04", trigger: .scheduled))
            try store.insertSubmission(makeSubmission("s4", panel: b, period: "2025-03", trigger: .scheduled))
            try store.insertSubmission(makeSubmission("s5", panel: a, period: "2025-03", trigger: .manual))
            try store.insertSubmission(makeSubmission("s6", panel: a, period: "2025-03", trigger: .manual))
            #expect(try store.submissions(panelID: a.id).count == 4)
            #expect(try store.submission(id: "s2") == nil)
            // Turning a manual one into a second scheduled one is refused too.
            var s5 = try #require(try store.submission(id: "s5"))
            s5.trigger = .scheduled
            #expect(throws: StoreError.duplicateScheduled(panelLabel: "1", period: period("2025-03"))) {
                try store.updateSubmission(s5)
            }
        }
    }

    @Test func latestIsByInsertionOrderEvenWhenTheClockSteppedBack() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A"))
            let q = try store.insertPanel(makePanel("B"))
            #expect(try store.latestSubmission(panelID: p.id) == nil)
            try store.insertSubmission(makeSubmission("late", panel: p, created: 500))
            try store.insertSubmission(makeSubmission("early", panel: p, created: 100))
            #expect(try store.latestSubmission(panelID: p.id)?.id == "early", "inserted last, though its clock read earlier")
            try store.insertSubmission(makeSubmission("tie", panel: p, created: 500))
            #expect(try store.latestSubmission(panelID: p.id)?.id == "tie")
            try store.insertSubmission(makeSubmission("other", panel: q, created: 900))
            #expect(try store.latestSubmission(panelID: p.id)?.id == "tie")
            #expect(try store.latestSubmissions().mapValues(\.id) == [p.id: "tie", q.id: "other"])
        }
    }

    @Test func historyIsNewestFirst() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A"))
            let q = try store.insertPanel(makePanel("B"))
            try store.insertSubmission(makeSubmission("p1", panel: p, created: 100))
            try store.insertSubmission(makeSubmission("q1", panel: q, created: 200))
            try store.insertSubmission(makeSubmission("p2", panel: p, created: 300))
            try store.insertSubmission(makeSubmission("p3", panel: p, created: 300))
            #expect(try store.submissions(panelID: p.id).map(\.id) == ["p3", "p2", "p1"])
            #expect(try store.submissions(panelID: nil).map(\.id) == ["p3", "p2", "q1", "p1"])
            #expect(try store.submissions(panelID: 999).isEmpty)
        }
    }

    @Test func byStatusOldestFirst() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A"))
            try store.insertSubmission(makeSubmission("f2", panel: p, status: .failed, created: 200))
            try store.insertSubmission(makeSubmission("ok", panel: p, status: .submitted, created: 150))
            try store.insertSubmission(makeSubmission("f1", panel: p, status: .failed, created: 100))
            #expect(try store.submissions(status: .failed).map(\.id) == ["f1", "f2"])
            #expect(try store.submissions(status: .submitted).map(\.id) == ["ok"])
            #expect(try store.submissions(status: .pending).isEmpty)
        }
    }

    @Test func dueSubmissionsAndNextDueTime() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A"))
            #expect(try store.nextDueTime() == nil)
            try store.insertSubmission(makeSubmission("future", panel: p, status: .queued, created: 10, nextAttempt: 5_000))
            try store.insertSubmission(makeSubmission("pending", panel: p, status: .pending, created: 30, nextAttempt: 900))
            try store.insertSubmission(makeSubmission("now", panel: p, status: .queued, created: 20, nextAttempt: 1_000))
            try store.insertSubmission(makeSubmission("unset", panel: p, status: .queued, created: 40))
            try store.insertSubmission(makeSubmission("done", panel: p, status: .submitted, created: 5, nextAttempt: 1))
            try store.insertSubmission(makeSubmission("dead", panel: p, status: .failed, created: 6, nextAttempt: 1))
            #expect(try store.dueSubmissions(now: 1_000).map(\.id) == ["now", "pending", "unset"])
            #expect(try store.dueSubmissions(now: 999).map(\.id) == ["pending", "unset"])
            #expect(try store.dueSubmissions(now: 10_000).map(\.id) == ["future", "now", "pending", "unset"])
            // "unset" is due at once: its created time stands in.
            #expect(try store.nextDueTime() == 40)
            var unset = try #require(try store.submission(id: "unset"))
            unset.status = .submitted
            try store.updateSubmission(unset)
            #expect(try store.nextDueTime() == 900)
        }
    }

    @Test func statusCountsUseEachExistingPanelsLatestSubmission() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            let b = try store.insertPanel(makePanel("B"))
            let c = try store.insertPanel(makePanel("C"))
            _ = try store.insertPanel(makePanel("never"))
            let gone = try store.insertPanel(makePanel("gone"))
            try store.insertSubmission(makeSubmission("a1", panel: a, status: .failed, created: 1))
            try store.insertSubmission(makeSubmission("a2", panel: a, status: .queued, created: 2))
            try store.insertSubmission(makeSubmission("b1", panel: b, status: .submitted, created: 1))
            try store.insertSubmission(makeSubmission("c1", panel: c, status: .queued, created: 3))
            try store.insertSubmission(makeSubmission("g1", panel: gone, status: .pending, created: 3))
            try store.deletePanel(id: gone.id)
            #expect(try store.statusCounts() == [.queued: 2, .pending: 0, .submitted: 1, .failed: 0])
            #expect(try store.latestSubmissions().keys.sorted() == [a.id, b.id, c.id])
        }
    }

    /// A re-queue is stored (`requeued`), and the migration that added it marks the re-queues stored before it by
    /// the reason cpard gave them: only manual ones, only that exact text.
    @Test func requeuedIsStoredAndBackfilledByTheMigration() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            do {
                let store = try StateStore(path: path)
                let panel = try store.insertPanel(makePanel("A", number: "4001"))
                var a = makeSubmission("a", panel: panel, period: "2025-03")
                a.reason = SubmissionView.requeueReason
                var b = makeSubmission("b", panel: panel, period: "2025-04")
                b.reason = "monthly catch-up"
                var c = makeSubmission("c", panel: panel, period: "2025-05")
                c.requeued = true
                for s in [a, b, c] { try store.insertSubmission(s) }
                #expect(try store.submission(id: "a")?.requeued == false, "a reason alone is not a re-queue")
                #expect(try store.submission(id: "c")?.requeued == true)
            }
            // The database as the build before the column (schema version 2) wrote it: no §14 tables either.
            _ = try sqliteShell(path, "ALTER TABLE submissions DROP COLUMN requeued; DROP TABLE worklist_items; "
                                + "DROP TABLE cpar_report_imports; DROP TABLE membership_audit; PRAGMA user_version = 2")
            let store = try StateStore(path: path)
            #expect(try store.diagnostics().userVersion == StateStore.schemaVersion)
            #expect(try store.submission(id: "a")?.requeued == true, "backfilled from cpard's own re-queue reason")
            #expect(try store.submission(id: "b")?.requeued == false)
            #expect(try store.submission(id: "c")?.requeued == false, "unknowable before the column: reads as manual")
        }
    }
}
