import CPARCore
import CPARStore
import Testing

@Suite struct NoticeTests {
    private func failedSubmission(_ store: StateStore, _ id: String = "s1") throws -> Submission {
        let p = try store.findPanel("A") ?? store.insertPanel(makePanel("A"))
        let s = makeSubmission(id, panel: p, status: .failed)
        try store.insertSubmission(s)
        return s
    }

    @Test func insertAssignsIDsAndRoundTrips() throws {
        try withStore { store in
            let s = try failedSubmission(store)
            let n = Notice(submissionID: s.id, recipient: "ops@x.example", subject: "CPAR panel A failed",
                           body: "What to do next…", created: 100)
            let saved = try store.insertNotice(n)
            #expect(saved.id > 0)
            var expected = n
            expected.id = saved.id
            #expect(saved == expected)
            #expect(saved.nextAttempt == 100)
            // One per failure: a second notice for the same submission (failed again after a re-queue) is kept.
            let again = try store.insertNotice(Notice(submissionID: s.id, recipient: "ops@x.example", subject: "again",
                                                      body: "b", created: 200))
            #expect(again.id > saved.id)
            #expect(try store.notices(submissionID: s.id).map(\.id) == [saved.id, again.id])
        }
    }

    @Test func aNoticeNeedsItsSubmission() throws {
        try withStore { store in
            #expect(throws: StoreError.submissionNotFound(id: "ghost")) {
                try store.insertNotice(Notice(submissionID: "ghost", recipient: "r", subject: "s", body: "b", created: 1))
            }
        }
    }

    @Test func updateAndDelivery() throws {
        try withStore { store in
            let s = try failedSubmission(store)
            var n = try store.insertNotice(Notice(submissionID: s.id, recipient: "r@x", subject: "s", body: "b",
                                                  created: 100))
            #expect(try store.undeliveredNotices(now: 99).isEmpty)
            #expect(try store.undeliveredNotices(now: 100).map(\.id) == [n.id])
            #expect(try store.nextNoticeTime() == 100)

            n.maildirDelivered = true
            n.attempts = 1
            n.nextAttempt = 400
            n.lastError = "smtp: connection refused"
            try store.updateNotice(n)
            #expect(try store.notices(recipient: nil) == [n])
            #expect(try store.undeliveredNotices(now: 399).isEmpty)
            #expect(try store.undeliveredNotices(now: 400) == [n])
            #expect(try store.nextNoticeTime() == 400)
            // Without SMTP configured, Maildir delivery is all there is.
            #expect(try store.undeliveredNotices(now: 400, smtp: false).isEmpty)
            #expect(try store.nextNoticeTime(smtp: false) == nil)

            n.smtpDelivered = true
            try store.updateNotice(n)
            #expect(try store.undeliveredNotices(now: 10_000).isEmpty)
            #expect(try store.nextNoticeTime() == nil)

            var ghost = n
            ghost.id = 999
            #expect(throws: StoreError.noticeNotFound(id: 999)) { try store.updateNotice(ghost) }
        }
    }

    @Test func undeliveredAreOrderedByDueTime() throws {
        try withStore { store in
            let s = try failedSubmission(store)
            let late = try store.insertNotice(Notice(submissionID: s.id, recipient: "r", subject: "1", body: "b",
                                                     created: 10, nextAttempt: 300))
            let early = try store.insertNotice(Notice(submissionID: s.id, recipient: "r", subject: "2", body: "b",
                                                      created: 20, nextAttempt: 200))
            #expect(try store.undeliveredNotices(now: 1_000).map(\.id) == [early.id, late.id])
            #expect(try store.nextNoticeTime() == 200)
        }
    }

    @Test func byRecipientNewestFirst() throws {
        try withStore { store in
            let s = try failedSubmission(store)
            let a1 = try store.insertNotice(Notice(submissionID: s.id, recipient: "a", subject: "1", body: "b", created: 1))
            let b1 = try store.insertNotice(Notice(submissionID: s.id, recipient: "b", subject: "2", body: "b", created: 2))
            let a2 = try store.insertNotice(Notice(submissionID: s.id, recipient: "a", subject: "3", body: "b", created: 3))
            #expect(try store.notices(recipient: "a").map(\.id) == [a2.id, a1.id])
            #expect(try store.notices(recipient: "b").map(\.id) == [b1.id])
            #expect(try store.notices(recipient: "c").isEmpty)
            #expect(try store.notices(recipient: nil).map(\.id) == [a2.id, b1.id, a1.id])
        }
    }
}
