import CPARTestSupport
import Foundation
import Testing

/// `kill -9` at every step of a submission (CPARD_CRASH_AT, see CrashPoint.swift), then a rerun: nothing is lost,
/// nothing is sent under a second Idempotency-Key, history stays one consistent row, notices are not duplicated.
@Suite("crash safety", .serialized)
struct CrashTests {
    func setUp(faults: [String: Any]) throws -> (Harness, RegistrySimulator) { try Harness.submittable(faults: faults) }
    func history(_ h: Harness) throws -> [[String: Any]] { try h.history() }

    /// Runs passes until the panel's submission is final (or `limit` passes), each a minute later than the last
    /// on cpard's clock (`CPARD_CLOCK_OFFSET`), so any retry backoff has passed without sleeping.
    func settle(_ h: Harness, limit: Int = 6) throws -> String? {
        for pass in 1...limit {
            let status = try history(h).first?["status"] as? String
            if status == "Submitted" || status == "Failed" { return status }
            try h.once(later: 60 * pass)
        }
        return try history(h).first?["status"] as? String
    }

    @Test(arguments: ["payload-built", "attempt-committed", "post-returned", "post-applied", "poll-returned"])
    func crashDuringAcceptedSubmission(point: String) throws {
        let (h, sim) = try setUp(faults: ["ack_after_polls": 1])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        var crashed = try h.run("cpard", ["--once", "--config", h.config], environment: ["CPARD_CRASH_AT": point])
        if point == "poll-returned" && crashed.status == 0 {
            // The first poll answered "processing"; the crash comes at the next poll (`--once` polls every Pending).
            crashed = try h.run("cpard", ["--once", "--config", h.config], environment: ["CPARD_CRASH_AT": point])
        }
        #expect(crashed.status != 0, "the process was killed at \(point)")
        #expect(try settle(h) == "Submitted")
        let rows = try history(h)
        #expect(rows.count == 1)
        let keys = Set(sim.posts.compactMap { $0["idempotency_key"] as? String })
        #expect(keys == [rows.first?["id"] as? String ?? "?"], "every POST carried the submission's one key")
        #expect(sim.posts.filter { ($0["duplicate"] as? Bool) != true }.count == 1, "the registry saw one submission")
    }

    @Test(arguments: ["post-applied", "maildir-delivered"])
    func crashAroundAFailureNoticeDeliversItOnce(point: String) throws {
        let (h, sim) = try setUp(faults: ["mode": "reject_sync"])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let crashed = try h.run("cpard", ["--once", "--config", h.config], environment: ["CPARD_CRASH_AT": point])
        #expect(crashed.status != 0)
        #expect(try settle(h) == "Failed")
        try h.run("cpard", ["--once", "--config", h.config])
        #expect(try h.inbox().count == 1)
    }

    @Test func crashAfterTakingASpoolRequestTakesItOnce() throws {
        let (h, sim) = try setUp(faults: [:])
        defer { sim.stop(); h.cleanup() }
        let incoming = h.dir.appendingPathComponent("spool/incoming")
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        try "panel = 1001\n".write(to: incoming.appendingPathComponent("r.request"), atomically: true, encoding: .utf8)
        let crashed = try h.run("cpard", ["--once", "--config", h.config], environment: ["CPARD_CRASH_AT": "spool-committed"])
        #expect(crashed.status != 0)
        #expect(try settle(h) == "Submitted")
        #expect(try history(h).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming.path).isEmpty)
    }
}
