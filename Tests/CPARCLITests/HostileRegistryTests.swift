import CPARTestSupport
import Foundation
import Testing

/// A hostile registry (SPEC §15), over HTTPS with mutual TLS through the simulator, against the real `cpard --once`:
/// error codes carrying a patient's name or PHN, a synchronous acknowledgement for another submission's tracking
/// ID, oversize headers and bodies. After each, a privacy scan of everything cpard wrote or shows: its output,
/// `status`, `history`, `inbox` and the notice files hold none of the planted patient's PHN, name or birth date.
@Suite("hostile registry", .serialized)
struct HostileRegistryTests {
    /// The basic EMR's patients P1 and P2 (both on panel 1001): what must never leak.
    static let planted = ["123456782", "223456783", "Zed-Family", "Alpha", "Beta", "1970-01-02", "1980-03-04"]

    func setUp(faults: [String: Any], extra: String = "") throws -> (Harness, RegistrySimulator) {
        try Harness.submittable(faults: faults, extra: extra)
    }

    /// Everything an operator or a monitor can see, joined: pass outputs, status, history, inbox, notice files.
    func visible(_ h: Harness, passes: [Harness.Output]) throws -> String {
        var text = passes.map(\.all).joined(separator: "\n")
        for args in [["status", "--json"], ["history", "--json"], ["inbox", "--json"], ["inbox"]] {
            text += try h.run("cparctl", args + ["--config", h.config]).all
        }
        let maildir = h.dir.appendingPathComponent("maildir").path
        if let files = FileManager.default.enumerator(atPath: maildir) {
            for case let name as String in files {
                if let data = FileManager.default.contents(atPath: maildir + "/" + name) {
                    text += String(decoding: data, as: UTF8.self)
                }
            }
        }
        return text
    }

    func expectNoPatientData(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in Self.planted {
            #expect(!text.contains(secret), "planted '\(secret)' leaked", sourceLocation: sourceLocation)
        }
    }

    @Test func errorCodesHoldingANameOrAPHNAreDropped() throws {
        let (h, sim) = try setUp(faults: ["mode": "reject_sync", "errors": [
            ["code": "Zed-Family", "message": "Zed-Family, Alpha (123456782) born 1970-01-02"],
            ["code": "PHN_123456782", "message": "x"],
            ["code": "DOB-1970-01-02", "message": "x"],
            ["code": "E42", "message": "Beta 223456783 not eligible"],
            ["code": String(repeating: "A", count: 65), "message": ""],
        ]])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let pass = try h.once()
        #expect(pass.status == 0, "\(pass.all)")
        let s = try h.panelStatus()
        #expect(s["status"] as? String == "Failed")
        #expect(try h.history().first?["error"] as? String
                == "registry rejected: E42, 4 codes withheld (not in the registry's code syntax)")
        #expect(try h.inbox().count == 1, "the failure notice")
        expectNoPatientData(try visible(h, passes: [pass]))
    }

    @Test func aSynchronousAcknowledgementForAnotherTrackingIDFailsAtOnce() throws {
        let (h, sim) = try setUp(faults: ["mode": "accept_sync", "tracking_id": "T-SHARED"])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let first = try h.once()
        #expect(try h.panelStatus()["status"] as? String == "Submitted")
        // A new submission (new key): the registry answers 200 + "accepted" for the first one's tracking ID.
        try h.ctl("submit", "--panel", "1001")
        let second = try h.once()
        #expect(sim.posts.count == 2)
        let rows = try h.history()
        #expect(rows.first?["status"] as? String == "Failed", "not Submitted on an answer for another submission")
        #expect((rows.first?["error"] as? String)?.contains("tracking ID 'T-SHARED' belongs to submission") == true)
        #expect(rows.first?["attempts"] as? Int == 1, "failed at once, not retried")
        #expect(rows.last?["status"] as? String == "Submitted", "the first submission is untouched")
        #expect(try h.inbox().count == 1)
        expectNoPatientData(try visible(h, passes: [first, second]))
    }

    @Test func anOversizeRetryAfterIsIgnoredAndTheBackoffUsed() throws {
        let junk = String(repeating: "9", count: 10_000)
        let (h, sim) = try setUp(faults: ["fail_status": 503, "fail_count": 1, "retry_after": junk],
                                 extra: "retry.min_backoff = 1m\nretry.max_backoff = 1h\n")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let before = Int64(Date().timeIntervalSince1970)
        let pass = try h.once()
        #expect(pass.status == 0, "\(pass.all)")
        let s = try h.panelStatus()
        #expect(s["status"] as? String == "Queued")
        let nextText = try #require(s["next_attempt"] as? String)
        let next = try #require(ISO8601DateFormatter().date(from: nextText))
        let wait = Int64(next.timeIntervalSince1970) - before
        #expect(wait >= 50 && wait <= 3700, "the policy's backoff (1m first), not the header: \(wait)")
        #expect(!pass.all.contains(junk))
        expectNoPatientData(try visible(h, passes: [pass]))
    }

    @Test func oversizeHeadersAndBodiesNeitherCrashNorLeak() throws {
        // Headers of 50 KB are read (and ignored); an answer of 2 MiB is refused.
        let (h, sim) = try setUp(faults: ["pad_header_bytes": 50_000])
        defer { sim.stop(); h.cleanup() }
        try h.ctl("submit", "--panel", "1001")
        let padded = try h.once()
        #expect(padded.status == 0, "\(padded.all)")
        #expect(try h.panelStatus()["status"] as? String == "Submitted")

        try sim.setFaults(["huge_count": 1])
        try h.ctl("submit", "--panel", "1001")
        let huge = try h.once()
        #expect(huge.status == 0, "\(huge.all)")
        #expect(try h.history().first?["error"] as? String == "response larger than 1 MiB")

        // A header line longer than libcurl takes (100 KB): the exchange fails; nothing crashes or hangs, and
        // the submission is either waiting for a retry or Failed with a short error.
        try sim.setFaults(["pad_header_bytes": 300_000])
        try h.ctl("submit", "--panel", "1001")
        let toolong = try h.once()
        #expect(toolong.status == 0, "\(toolong.all)")
        let row = try #require(try h.history().first)
        #expect(["Queued", "Failed"].contains(row["status"] as? String ?? ""))
        #expect(((row["error"] as? String) ?? "").count <= 300)
        #expect(!toolong.all.contains(String(repeating: "x", count: 100)))
        expectNoPatientData(try visible(h, passes: [padded, huge, toolong]))
    }

    @Test func spoolTextIsScrubbedBeforeItIsStoredOrLogged() throws {
        let (h, sim) = try setUp(faults: [:])
        defer { sim.stop(); h.cleanup() }
        let incoming = h.dir.appendingPathComponent("spool/incoming")
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        try "panel = 1001\nreason = wrong PHN 123456782, born 1970-01-02\nrequested_by = ops 223 456 783\n"
            .write(to: incoming.appendingPathComponent(".r"), atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(at: incoming.appendingPathComponent(".r"),
                                         to: incoming.appendingPathComponent("r.request"))
        // A refused one quoting a PHN as its key.
        try "panel = 1001\n123456782 = x\n".write(to: incoming.appendingPathComponent("bad.request"),
                                                  atomically: true, encoding: .utf8)
        let pass = try h.once()
        let row = try #require(try h.history().first)
        #expect(row["reason"] as? String == "wrong PHN [redacted], born [redacted]")
        #expect(row["requested_by"] as? String == "ops [redacted]")
        let reason = try String(contentsOfFile: h.dir.appendingPathComponent("spool/rejected/bad.request.reason").path,
                                encoding: .utf8)
        #expect(reason.contains("unknown key") && !reason.contains("123456782"))
        expectNoPatientData(try visible(h, passes: [pass]) + reason)
    }
}
