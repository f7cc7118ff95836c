import CPARTestSupport
import Foundation
import Testing

/// End to end: cparctl submit → cpard --once → the registry simulator over mutual TLS → status, history, notices.
@Suite("submission lifecycle against the simulator", .serialized)
struct LifecycleTests {
    func setUp(faults: [String: Any] = [:], extra: String = "") throws -> (Harness, RegistrySimulator) {
        try Harness.submittable(faults: faults, extra: extra, patients: ["P1", "P2", "P3"])
    }

    func status(_ h: Harness) throws -> [String: Any] { try h.panelStatus() }
    func history(_ h: Harness) throws -> [[String: Any]] { try h.history() }
    @discardableResult
    func once(_ h: Harness) throws -> Harness.Output { try h.once() }

    @Test func acceptedSubmissionEndsSubmittedWithFullHistory() throws {
        let (h, sim) = try setUp()
        defer { sim.stop(); h.cleanup() }
        let submit = try h.ctl("submit", "--panel", "1001")
        #expect(submit.status == 0 && submit.stdout.contains("Queued"))
        #expect(try status(h)["status"] as? String == "Queued")
        let again = try h.ctl("submit", "--panel", "1001")
        #expect(again.stdout.contains("already Queued"), "a request while Queued is a no-op that says so")
        let pass = try once(h)
        #expect(pass.status == 0, "\(pass.stderr)")
        #expect(try status(h)["status"] as? String == "Submitted")
        let entry = try #require(try history(h).first)
        #expect(entry["attempts"] as? Int == 1)
        #expect(entry["patients"] as? Int == 2)
        #expect((entry["tracking_id"] as? String)?.isEmpty == false)
        #expect((entry["payload_sha256"] as? String)?.count == 64)
        #expect(entry["delivered"] is String)
        let posts = sim.posts
        #expect(posts.count == 1)
        #expect(posts.first?["idempotency_key"] as? String == entry["id"] as? String)
        #expect(posts.first?["xsd_valid"] as? Bool == true)
        #expect(posts.first?["client_cert_cn"] is String)
        #expect(try h.ctl("submit", "--panel", "1001").stdout.contains("Queued for"), "a Submitted panel accepts a new request")
        for secret in ["123456782", "223456783", "Zed-Family", "1970-01-02"] { #expect(!pass.all.contains(secret)) }
    }

    @Test func finishedPayloadsArePrunedAfterTheRetention() throws {
        let (h, sim) = try setUp(extra: "state.payload_retention = 1h\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try once(h)
        let payloads = h.dir.appendingPathComponent("state/payloads")
        #expect(try FileManager.default.contentsOfDirectory(atPath: payloads.path).count == 1)
        #expect(!(try once(h).stderr.contains("event=payload.pruned")), "kept within the retention")
        #expect(try FileManager.default.contentsOfDirectory(atPath: payloads.path).count == 1)
        let pass = try h.once(later: 3700)
        #expect(pass.stderr.contains("event=payload.pruned"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: payloads.path).isEmpty)
        #expect((try history(h).first?["payload_sha256"] as? String)?.count == 64, "history keeps the hash")
    }

    @Test func pendingWhileTheRegistryIsProcessing() throws {
        // A 10-minute poll interval: each `cpard --once` still polls every Pending submission.
        let (h, sim) = try setUp(faults: ["ack_after_polls": 2], extra: "registry.poll_interval = 10m\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try once(h)
        #expect(try status(h)["status"] as? String == "Pending")
        #expect(try h.ctl("submit", "--panel", "1001").stdout.contains("already Pending"))
        try once(h)
        try once(h)
        #expect(try status(h)["status"] as? String == "Submitted")
        #expect(sim.posts.count == 1)
    }

    @Test func rejectionFailsWithTheErrorAndExactlyOneNotice() throws {
        let (h, sim) = try setUp(faults: ["mode": "reject", "errors": [["code": "E42", "message": "panel unknown"]]])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let pass = try once(h)
        let s = try status(h)
        #expect(s["status"] as? String == "Failed")
        #expect((s["error"] as? String)?.contains("E42") == true)
        #expect(pass.stderr.contains("event=submission.failed"))
        try once(h)
        let messages: [[String: Any]]? = try h.inbox()
        #expect(messages?.count == 1)
        #expect(messages?.first?["recipient"] as? String == "ops@clinic.example")
        let path = try #require(messages?.first?["path"] as? String)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(messages?.first?["panel"] as? String == "1001", "\(text)")
        #expect(text.contains("1001") && text.contains("E42"))
        for secret in ["123456782", "223456783", "Zed-Family", "Alpha", "1970-01-02"] { #expect(!text.contains(secret)) }
    }

    @Test func inboxListsTheStoresNoticesWhereverAMailReaderMovedThem() throws {
        let (h, sim) = try setUp(faults: ["mode": "reject_sync", "errors": [["code": "E42", "message": "x"]]])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try once(h)
        let first = try #require(try h.inbox().first)
        let path = try #require(first["path"] as? String)
        #expect(path.contains("/new/"))
        #expect(first["subject"] as? String == "CPAR submission failed: panel 1001 (\(try h.history().first?["period"] as? String ?? "?"))")
        #expect(first["date"] is String)
        // A mail reader marks it seen: new/<name> → cur/<name>:2,S.
        let name = URL(fileURLWithPath: path).lastPathComponent
        let seen = URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("cur/\(name):2,S").path
        try FileManager.default.moveItem(atPath: path, toPath: seen)
        #expect(try h.inbox().first?["path"] as? String == seen)
        #expect(try h.ctl("inbox", "--json", "--recipient", "OPS@clinic.example").stdout.contains(seen))
        #expect(try h.ctl("inbox", "--recipient", "someone@else.example").stdout.contains("no messages"))
        #expect(try h.ctl("inbox").stdout.contains("CPAR submission failed: panel 1001"))
    }

    @Test func retryableFailuresBackOffAndKeepTheIdempotencyKey() throws {
        // A 1-hour backoff: a second pass at once is an hour early whatever the machine's speed; the later passes
        // run on a clock moved forward (CPARD_CLOCK_OFFSET), not after a sleep.
        let (h, sim) = try setUp(faults: ["fail_status": 503, "fail_count": 2],
                                 extra: "retry.min_backoff = 1h\nretry.max_backoff = 1h\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try once(h)
        var s = try status(h)
        #expect(s["status"] as? String == "Queued")
        #expect(s["next_attempt"] is String)
        #expect((s["error"] as? String)?.contains("503") == true)
        try once(h)
        #expect(sim.posts.count == 1, "the backoff is honoured: nothing is sent before next_attempt")
        try h.once(later: 3700)
        #expect(sim.posts.count == 2, "sent again once the backoff has passed")
        #expect(try status(h)["status"] as? String == "Queued")
        try h.once(later: 3700)
        #expect(sim.posts.count == 2, "the second backoff counts from the second attempt")
        try h.once(later: 7400)
        s = try status(h)
        #expect(s["status"] as? String == "Submitted")
        let keys = Set(sim.posts.compactMap { $0["idempotency_key"] as? String })
        #expect(sim.posts.count == 3)
        #expect(keys.count == 1)
        #expect(try history(h).first?["attempts"] as? Int == 3)
    }

    @Test func permanentClientErrorFailsAtOnce() throws {
        let (h, sim) = try setUp(faults: ["fail_status": 400, "fail_count": 5])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try once(h)
        #expect(try status(h)["status"] as? String == "Failed")
        #expect(sim.posts.count == 1)
    }

    @Test func panelProblemsFailWithoutPostingAndNotify() throws {
        let (h, sim) = try setUp()
        defer { sim.stop(); h.cleanup() }
        try h.ctl("panel", "edit", "1001", "--practitioner", "DR2")
        try h.ctl("submit", "--panel", "1001")
        try once(h)
        let s = try status(h)
        #expect(s["status"] as? String == "Failed")
        #expect((s["error"] as? String)?.contains("PRACTITIONER_WITHOUT_ID") == true)
        #expect(sim.posts.isEmpty)
        #expect(try h.ctl("inbox", "--json").stdout.contains("ops@clinic.example"))
    }

    @Test func killDuringThePostLosesNothingAndResendsUnderTheSameKey() throws {
        let (h, sim) = try setUp(faults: ["slow_seconds": 30])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let p = try TestProcess(Harness.binDir.appendingPathComponent("cpard").path, ["--once", "--config", h.config],
                                logPath: h.dir.appendingPathComponent("cpard-killed.log").path)
        let deadline = Date().addingTimeInterval(60)
        while try sim.requests().isEmpty && Date() < deadline { usleep(50_000) }
        kill(p.pid, SIGKILL)
        p.process.waitUntilExit()
        #expect(try status(h)["status"] as? String == "Queued")
        try sim.setFaults([:])
        try once(h)
        #expect(try status(h)["status"] as? String == "Submitted")
        let history = try history(h)
        #expect(history.count == 1)
        let keys = Set(sim.posts.compactMap { $0["idempotency_key"] as? String })
        #expect(keys == [history.first?["id"] as? String ?? "?"])
    }
}
