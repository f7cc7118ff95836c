import Testing
@testable import CPARCore

@Suite struct SubmissionLifecycleTests {
    let policy = RetryPolicy(minBackoff: 300, maxBackoff: 3600, maxLifetime: 5 * 86400)
    let created: Int64 = 1_770_000_000

    func submission(_ status: SubmissionStatus, attempts: Int = 1, tracking: String? = nil) -> Submission {
        Submission(id: "6F1C2A4E-0000-4000-8000-000000000001", panelID: 3, panelLabel: "4001", period: Period("2026-03")!,
                   trigger: .scheduled, status: status, created: created, nextAttempt: created, attempts: attempts,
                   trackingID: tracking, payloadSHA256: "ab", payloadPath: "/state/x.xml", requestedBy: "ops", reason: "monthly")
    }

    func apply(_ e: LifecycleEvent, _ s: Submission, at now: Int64? = nil, seed: UInt64 = 1) throws(LifecycleError) -> Submission {
        var rng = SeededRandom(seed: seed)
        return try SubmissionLifecycle.apply(e, to: s, now: now ?? created + 60, policy: policy, pollInterval: 600, random: &rng)
    }

    @Test func canRequest() {
        #expect(SubmissionLifecycle.canRequest(current: nil))
        #expect(SubmissionLifecycle.canRequest(current: .failed))
        #expect(SubmissionLifecycle.canRequest(current: .submitted))
        #expect(!SubmissionLifecycle.canRequest(current: .queued))
        #expect(!SubmissionLifecycle.canRequest(current: .pending))
    }

    @Test func queuedPostedBecomesPending() throws {
        let s = try apply(.posted(trackingID: "T-1"), submission(.queued))
        #expect(s.status == .pending)
        #expect(s.trackingID == "T-1")
        #expect(s.nextAttempt == created + 60 + 600)
        #expect(s.updated == created + 60)
        #expect(s.attempts == 1)   // the caller counts attempts
        #expect(s.error == nil)
        #expect(s.delivered == nil)
    }

    @Test func postedNeedsATrackingID() {
        #expect(throws: LifecycleError.self) { try apply(.posted(trackingID: ""), submission(.queued)) }
    }

    @Test func acceptedBecomesSubmitted() throws {
        for start in [submission(.queued), submission(.pending, tracking: "T-1")] {
            var before = start
            before.error = "HTTP 503"
            let s = try apply(.acknowledged(Acknowledgement(status: .accepted, trackingID: "T-1")), before)
            #expect(s.status == .submitted)
            #expect(s.delivered == created + 60)
            #expect(s.error == nil)
            #expect(s.nextAttempt == nil)
            #expect(s.trackingID == "T-1")
            #expect(s.payloadSHA256 == "ab")
        }
    }

    @Test func rejectedBecomesFailedWithTheErrorCodesOnly() throws {
        // Registry messages may quote patient data: only the codes are kept.
        let ack = Acknowledgement(status: .rejected, trackingID: "T-1", errors: [
            .init(code: "E101", message: "facility unknown"),
            .init(code: "E202", message: "patient SMITH, John (born 02/01/1980, PHN 1234-25678) not eligible"),
            .init(code: "E303", message: ""),
        ])
        for start in [submission(.queued), submission(.pending, tracking: "T-1")] {
            let s = try apply(.acknowledged(ack), start)
            #expect(s.status == .failed)
            #expect(s.error == "registry rejected: E101, E202, E303")
            #expect(s.delivered == created + 60, "the registry answered")
            #expect(s.nextAttempt == nil)
        }
        let bare = try apply(.acknowledged(Acknowledgement(status: .rejected, trackingID: "T-1")), submission(.queued))
        #expect(bare.error == "registry rejected: no reason given")
    }

    @Test func processingKeepsPolling() throws {
        let fromPending = try apply(.acknowledged(Acknowledgement(status: .processing, trackingID: "T-1")),
                                    submission(.pending, tracking: "T-1"), at: created + 5000)
        #expect(fromPending.status == .pending)
        #expect(fromPending.nextAttempt == created + 5600)
        // A 200 answer that says "processing": now Pending, with the tracking ID from the acknowledgement.
        let fromQueued = try apply(.acknowledged(Acknowledgement(status: .processing, trackingID: "T-9")), submission(.queued))
        #expect(fromQueued.status == .pending)
        #expect(fromQueued.trackingID == "T-9")
    }

    @Test func acknowledgementForAnotherTrackingIDIsRefused() {
        #expect(throws: LifecycleError.self) {
            try apply(.acknowledged(Acknowledgement(status: .accepted, trackingID: "T-2")), submission(.pending, tracking: "T-1"))
        }
    }

    @Test func retryableFailureWaits() throws {
        let s = try apply(.retryableFailure("HTTP 503 from registry", retryAfter: nil), submission(.queued, attempts: 1))
        #expect(s.status == .queued)
        #expect(s.error == "HTTP 503 from registry")
        #expect(s.nextAttempt == created + 60 + 300)   // first attempt: exactly the minimum
        let third = try apply(.retryableFailure("timeout", retryAfter: nil), submission(.queued, attempts: 3))
        let wait = third.nextAttempt! - (created + 60)
        #expect(wait >= 600 && wait <= 1200)           // base 1200, equal jitter
        let honoured = try apply(.retryableFailure("HTTP 429", retryAfter: 900), submission(.queued, attempts: 1))
        #expect(honoured.nextAttempt == created + 60 + 900)
        let polling = try apply(.retryableFailure("connection reset", retryAfter: nil), submission(.pending, tracking: "T-1"))
        #expect(polling.status == .pending)
        #expect(polling.trackingID == "T-1")
        #expect(polling.nextAttempt == created + 60 + 300)
    }

    @Test func retryableFailureTextIsScrubbed() throws {
        let s = try apply(.retryableFailure("bad body near 123425678\nmore", retryAfter: nil), submission(.queued))
        #expect(s.error == "bad body near [redacted] more")
    }

    @Test func givesUpAfterLifetime() throws {
        let end = created + 5 * 86400
        let before = try apply(.retryableFailure("HTTP 502", retryAfter: nil), submission(.queued, attempts: 30), at: end - 1)
        #expect(before.status == .queued)
        let s = try apply(.retryableFailure("HTTP 502", retryAfter: nil), submission(.queued, attempts: 31), at: end)
        #expect(s.status == .failed)
        #expect(s.error == "gave up after 31 attempts over 5d: HTTP 502")
        #expect(s.delivered == nil, "never acknowledged")
        #expect(s.nextAttempt == nil)
        let pending = try apply(.retryableFailure("timeout", retryAfter: 60), submission(.pending, attempts: 1, tracking: "T"),
                                at: end + 3600 + 120)
        #expect(pending.error == "gave up after 1 attempt over 5d 1h: timeout")
    }

    @Test func lifetimeCountsFromTheFirstAttemptNotADeferredCreation() throws {
        // Requested on the 20th, held by the blackout until the 1st (11 days), first posted then.
        var deferred = submission(.queued, attempts: 1)
        deferred.firstAttempt = created + 11 * 86400
        let s = try apply(.retryableFailure("HTTP 503", retryAfter: nil), deferred, at: created + 11 * 86400 + 60)
        #expect(s.status == .queued)
        let late = try apply(.retryableFailure("HTTP 503", retryAfter: nil), deferred, at: created + 16 * 86400)
        #expect(late.status == .failed)
    }

    @Test func neverAcknowledgedGivesUpAfterLifetime() throws {
        let polling = submission(.pending, attempts: 1, tracking: "T")
        let ack = Acknowledgement(status: .processing, trackingID: "T")
        #expect(try apply(.acknowledged(ack), polling, at: created + 86400).status == .pending)
        let s = try apply(.acknowledged(ack), polling, at: created + 5 * 86400)
        #expect(s.status == .failed)
        #expect(s.error == "no acknowledgement after 5d")
    }

    @Test func permanentFailureFails() throws {
        for start in [submission(.queued), submission(.pending, tracking: "T-1")] {
            let s = try apply(.permanentFailure("HTTP 400: bad request"), start)
            #expect(s.status == .failed)
            #expect(s.error == "HTTP 400: bad request")
            #expect(s.delivered == nil, "never acknowledged by the registry")
            #expect(s.nextAttempt == nil)
        }
    }

    @Test func validationFailureFails() throws {
        let s = try apply(.validationFailed([.siteNotConfigured, .noValidPatients]), submission(.queued, attempts: 0))
        #expect(s.status == .failed)
        #expect(s.error == "panel problems: SITE_NOT_CONFIGURED, NO_VALID_PATIENTS")
        #expect(s.attempts == 0)
    }

    func request(_ trigger: SubmissionTrigger = .manual, latest: Submission?, scheduled: Submission? = nil,
                 at now: Int64, seed: UInt64 = 1) -> RequestDecision {
        var rng = SeededRandom(seed: seed)
        let r = SubmissionRequest(panelID: 3, panelLabel: "4001", period: Period("2026-03")!, trigger: trigger,
                                  requestedBy: "SIGUSR1", reason: "re-queued after failure")
        return SubmissionLifecycle.request(r, latest: latest, scheduledForPeriod: scheduled, now: now,
                                           earliestSend: now + 7, random: &rng)
    }

    @Test func requeueMakesAFreshSubmission() throws {
        var failed = submission(.failed, attempts: 12, tracking: "T-1")
        failed.error = "registry rejected: E1 x"
        failed.delivered = created + 100
        failed.patients = 40
        let now = created + 86400
        guard case .accepted(let s) = request(latest: failed, at: now, seed: 77) else {
            Issue.record("a Failed panel takes a request"); return
        }
        #expect(s.status == .queued)
        #expect(s.id != failed.id)
        #expect(s.id.count == 36)
        #expect(Array(s.id)[14] == "4")                   // version 4
        #expect("89ab".contains(Array(s.id)[19]))         // RFC 4122 variant
        #expect(s.panelID == 3 && s.panelLabel == "4001" && s.period == Period("2026-03"))
        #expect(s.trigger == .manual)
        #expect(s.created == now && s.updated == now && s.nextAttempt == now + 7, "as the calendar allows")
        #expect(s.attempts == 0)
        #expect(s.error == nil && s.delivered == nil && s.trackingID == nil && s.patients == nil)
        #expect(s.payloadPath == nil && s.payloadSHA256 == nil)
        #expect(s.requestedBy == "SIGUSR1" && s.reason == "re-queued after failure")
        // Same seed, same id; another seed, another.
        #expect(request(latest: failed, at: now, seed: 77) == .accepted(s))
        guard case .accepted(let other) = request(latest: failed, at: now, seed: 78) else { Issue.record("accepted"); return }
        #expect(other.id != s.id)
        guard case .accepted(let again) = request(latest: submission(.submitted), at: now) else {
            Issue.record("a Submitted panel takes a request"); return
        }
        #expect(again.status == .queued)
        guard case .accepted = request(latest: nil, at: now) else { Issue.record("a new panel takes a request"); return }
    }

    @Test func requestWhileQueuedOrPendingIsANoOp() {
        for status in [SubmissionStatus.queued, .pending] {
            let active = submission(status)
            #expect(request(latest: active, at: created + 10) == .alreadyActive(active))
        }
    }

    @Test func scheduledRequestsAreKeyedByPanelAndPeriod() {
        let done = submission(.submitted)
        #expect(request(.scheduled, latest: done, scheduled: done, at: created + 10) == .alreadyScheduled(done))
        // A manual request for the same period is not limited.
        guard case .accepted = request(.manual, latest: done, scheduled: done, at: created + 10) else {
            Issue.record("manual requests are not keyed by period"); return
        }
    }

    @Test func requestTextIsScrubbed() {
        var rng = SeededRandom(seed: 1)
        let r = SubmissionRequest(panelID: 3, panelLabel: "4001", period: Period("2026-03")!, trigger: .manual,
                                  requestedBy: "ops\nevent=forged", reason: "PHN 123 456 789 fixed")
        guard case .accepted(let s) = SubmissionLifecycle.request(r, latest: nil, scheduledForPeriod: nil, now: created,
                                                                  earliestSend: created, random: &rng) else {
            Issue.record("accepted"); return
        }
        #expect(s.reason == "PHN [redacted] fixed")
        #expect(s.requestedBy == "ops eventforged")
    }

    @Test func sendingCountsTheAttemptAndTheFirstAttemptTime() throws {
        let s = try apply(.sending, submission(.queued, attempts: 0), at: created + 30)
        #expect(s.attempts == 1 && s.firstAttempt == created + 30 && s.status == .queued)
        let again = try apply(.sending, s, at: created + 90)
        #expect(again.attempts == 2 && again.firstAttempt == created + 30)
    }

    @Test func deferralAndPayloadKeepTheSubmissionQueued() throws {
        let held = try apply(.deferred(until: created + 86400), submission(.queued))
        #expect(held.status == .queued && held.nextAttempt == created + 86400)
        let built = try apply(.payloadBuilt(path: "/p/x.xml", sha256: "cd", patients: 12), submission(.queued))
        #expect(built.status == .queued && built.payloadPath == "/p/x.xml" && built.payloadSHA256 == "cd"
                && built.patients == 12)
    }

    @Test func contradictingAnswersFailAtOnceWhenResolved() throws {
        var rng = SeededRandom(seed: 1)
        func resolve(_ e: LifecycleEvent, _ s: Submission, owner: String? = nil) throws(LifecycleError) -> Submission {
            try SubmissionLifecycle.resolve(e, to: s, now: created + 60, policy: policy, pollInterval: 600, random: &rng,
                                            trackingIDOwner: { _ in owner })
        }
        let other = try resolve(.acknowledged(Acknowledgement(status: .accepted, trackingID: "T-2")),
                                submission(.pending, tracking: "T-1"))
        #expect(other.status == .failed)
        #expect(other.error?.hasPrefix("unusable registry answer: acknowledgement is for tracking ID 'T-2'") == true)
        // A synchronous 200 (or a receipt) naming another submission's tracking ID.
        for e in [LifecycleEvent.acknowledged(Acknowledgement(status: .accepted, trackingID: "T-9")),
                  .posted(trackingID: "T-9")] {
            let s = try resolve(e, submission(.queued), owner: "other-id")
            #expect(s.status == .failed, "\(e.name)")
            #expect(s.error == "unusable registry answer: tracking ID 'T-9' belongs to submission other-id")
            #expect(s.delivered == nil)
        }
        #expect(try resolve(.posted(trackingID: ""), submission(.queued)).status == .failed)
        // Not a contradiction: a transition the lifecycle does not allow still throws.
        #expect(throws: LifecycleError.self) { try resolve(.sending, submission(.submitted)) }
        // The submission's own tracking ID is no contradiction.
        #expect(try apply(.acknowledged(Acknowledgement(status: .accepted, trackingID: "T-1")),
                          submission(.pending, tracking: "T-1")).status == .submitted)
    }

    @Test func rejectionDropsCodesOutsideTheRegistrySyntax() throws {
        let ack = Acknowledgement(status: .rejected, trackingID: "T-1", errors: [
            .init(code: "E101", message: ""), .init(code: "Smith, John", message: ""),
            .init(code: "PHN_123456789", message: ""),
        ], droppedErrors: 1)
        let s = try apply(.acknowledged(ack), submission(.queued))
        #expect(s.error == "registry rejected: E101, 3 codes withheld (not in the registry's code syntax)")
    }

    @Test func everyInvalidTransitionThrows() {
        let ack = { (st: Acknowledgement.Status) in LifecycleEvent.acknowledged(Acknowledgement(status: st, trackingID: "T-1")) }
        let events: [LifecycleEvent] = [.posted(trackingID: "T-1"), ack(.accepted), ack(.rejected), ack(.processing),
                                        .retryableFailure("x", retryAfter: nil), .permanentFailure("x"),
                                        .validationFailed([.noFacility]), .sending, .deferred(until: created + 1),
                                        .payloadBuilt(path: "/p", sha256: "ab", patients: 1)]
        let allowed: [SubmissionStatus: Set<Int>] = [
            .queued: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
            .pending: [1, 2, 3, 4, 5],
            .failed: [],
            .submitted: [],
        ]
        for status in SubmissionStatus.allCases {
            for (i, e) in events.enumerated() {
                let s = submission(status, tracking: status == .queued ? nil : "T-1")
                if allowed[status]!.contains(i) {
                    #expect(throws: Never.self, "\(status) + \(e.name)") { try apply(e, s) }
                } else {
                    #expect(throws: LifecycleError.self, "\(status) + \(e.name)") { try apply(e, s) }
                }
            }
        }
    }

    @Test func errorMessageNamesSubmissionStateAndEvent() {
        do {
            _ = try apply(.posted(trackingID: "T"), submission(.submitted))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "submission 6F1C2A4E-0000-4000-8000-000000000001: cannot apply posted while Submitted")
        }
    }

    @Test func durationDescriptions() {
        #expect(ConfigDuration.describe(0) == "0s")
        #expect(ConfigDuration.describe(45) == "45s")
        #expect(ConfigDuration.describe(300) == "5m")
        #expect(ConfigDuration.describe(3725) == "1h 2m")
        #expect(ConfigDuration.describe(5 * 86400) == "5d")
        #expect(ConfigDuration.describe(5 * 86400 + 3600 + 59) == "5d 1h")
        #expect(ConfigDuration.describe(86400 + 30) == "1d")
    }
}
