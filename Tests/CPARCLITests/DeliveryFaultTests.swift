import Foundation
import Testing
import CPARTestSupport

/// The registry faults of SPEC §7 end to end: each ends in the right state with the right number of attempts,
/// backoff honoured, and exactly one notice on failure (Maildir and a real SMTP server).
@Suite("delivery faults end to end", .serialized)
struct DeliveryFaultTests {
    func status(_ h: Harness) throws -> String? { try h.panelStatus()["status"] as? String }

    @Test func tooManyRequestsHonoursRetryAfter() throws {
        // Retry-After: 1 hour (within min_backoff 1s … max_backoff 2h): the next attempt is an hour after the
        // answer, measured between the clock before and after the pass, whatever the machine's speed.
        let (h, sim) = try Harness.submittable(faults: ["fail_status": 429, "fail_count": 1, "retry_after": 3600],
                                               extra: "retry.max_backoff = 2h\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let before = Int64(Date().timeIntervalSince1970)
        try h.once()
        let after = Int64(Date().timeIntervalSince1970)
        let s = try h.panelStatus()
        #expect(s["status"] as? String == "Queued")
        let next = try #require(s["next_attempt"] as? String)
        let formatter = ISO8601DateFormatter()
        let due = Int64(try #require(formatter.date(from: next)).timeIntervalSince1970)
        #expect(due >= before + 3600 && due <= after + 3600, "Retry-After: 3600")
        try h.once()
        #expect(sim.posts.count == 1, "not before Retry-After")
        try h.once(later: 3700)
        #expect(try status(h) == "Submitted")
        #expect(sim.posts.count == 2)
    }

    @Test func droppedConnectionIsRetried() throws {
        let (h, sim) = try Harness.submittable(faults: ["drop_count": 1])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try h.once()
        #expect(try status(h) == "Queued")
        try h.once(later: 60)
        #expect(try status(h) == "Submitted")
        #expect(Set(sim.posts.compactMap { $0["idempotency_key"] as? String }).count == 1)
    }

    @Test func slowResponseTimesOutAndIsRetried() throws {
        let (h, sim) = try Harness.submittable(faults: ["slow_seconds": 4], extra: "registry.timeout = 1s\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try h.once()
        let s = try h.panelStatus()
        #expect(s["status"] as? String == "Queued")
        #expect((s["error"] as? String)?.lowercased().contains("time") == true, "\(s)")
    }

    @Test func neverAcknowledgedStaysPendingThenGivesUp() throws {
        let (h, sim) = try Harness.submittable(faults: ["mode": "never_ack"], extra: "retry.max_lifetime = 1h\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try h.once()
        #expect(try status(h) == "Pending")
        try h.once()
        #expect(try status(h) == "Pending", "still within the lifetime")
        try h.once(later: 3700)
        let s = try h.panelStatus()
        #expect(s["status"] as? String == "Failed")
        #expect((s["error"] as? String)?.contains("no acknowledgement") == true)
        #expect(sim.posts.count == 1)
        #expect(try h.inbox().count == 1)
    }

    @Test(arguments: [("ca", "other-ca.pem"), ("cert", "none"), ("server", "expired")])
    func tlsFailuresFailAtOnceWithoutARetryStorm(kind: String, detail: String) throws {
        let (h, sim) = try Harness.submittable()
        defer { sim.stop(); h.cleanup() }
        var lines = sim.configLines
        let certificates = try TestCertificates.shared()
        switch kind {
        case "ca":
            lines = lines.replacingOccurrences(of: certificates.path("ca.pem"), with: certificates.path("other-ca.pem"))
        case "cert":
            lines = lines.split(separator: "\n").filter { !$0.hasPrefix("registry.client_") }.joined(separator: "\n")
        default:
            break
        }
        var expired: RegistrySimulator?
        if kind == "server" {
            let other = try RegistrySimulator(in: h.scratch, serverCertificate: .expired)
            expired = other
            lines = lines.replacingOccurrences(of: sim.baseURL, with: other.baseURL)
        }
        defer { expired?.stop() }
        try h.writeConfig(lines + "\nnotify.maildir = maildir\n")
        try h.ctl("submit", "--panel", "1001")
        try h.once()
        try h.once()
        let s = try h.panelStatus()
        #expect(s["status"] as? String == "Failed", "\(kind): \(s)")
        #expect(((s["error"] as? String) ?? "").isEmpty == false)
        #expect(try h.history().first?["attempts"] as? Int == 1, "no retry storm")
        #expect(try h.inbox().count == 1)
    }

    @Test func failureNoticeGoesToMaildirAndSMTPOnce() throws {
        let sink = try SMTPSink(in: TempDirectory("cpard-smtp"))
        defer { sink.stop() }
        let (h, sim) = try Harness.submittable(faults: ["mode": "reject_sync", "errors": [["code": "E7", "message": "no"]]],
                                               extra: "notify.smtp_url = \(sink.url)\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let first = try h.once()
        try h.once()
        #expect(try status(h) == "Failed")
        #expect(try h.inbox().count == 1)
        #expect(first.stderr.contains("channel=smtp"), "\(first.stderr)")
        #expect(try sink.index().count == 1)
        let mail = String(decoding: try sink.message(1), as: UTF8.self)
        #expect(mail.contains("To: ops@clinic.example") && mail.contains("E7") && mail.contains("1001"))
        for secret in ["123456782", "223456783", "Zed-Family", "Alpha", "1970-01-02"] { #expect(!mail.contains(secret)) }
    }

    @Test func scheduledRunFiredTwiceInAMonthSubmitsOnce() throws {
        let (h, sim) = try Harness.submittable()
        defer { sim.stop(); h.cleanup() }
        #expect(try h.ctl("submit", "--all", "--scheduled", "--period", "2026-12").stdout.contains("Queued for 2026-12"))
        try h.once()
        #expect(try status(h) == "Submitted")
        let again = try h.ctl("submit", "--all", "--scheduled", "--period", "2026-12")
        #expect(again.status == 0 && again.stdout.contains("exists already"))
        try h.once()
        #expect(try h.history().count == 1)
        #expect(sim.posts.count == 1)
    }

    @Test func metricsTextfileCountsPanelsByStatus() throws {
        let (h, sim) = try Harness.submittable(extra: "metrics.textfile = cpard.prom\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        try h.once()
        let text = try String(contentsOf: h.dir.appendingPathComponent("cpard.prom"), encoding: .utf8)
        #expect(text.contains("cpard_panels{status=\"submitted\"} 1"))
        #expect(text.contains("cpard_panels{status=\"failed\"} 0"))
        #expect(text.contains("cpard_last_success_timestamp_seconds{panel=\"1001\"}"))
        #expect(text.contains("cpard_failures_total 0"))
    }
}
