import Foundation
import Testing

/// Ops items of issue 10: a lock held by another cpard is its own (non-alert) event, and every CPAR panel has a
/// last-success series in the metrics file.
@Suite("ops signals")
struct OpsSignalsTests {
    @Test func onceWhileAnotherCpardHoldsTheLockIsServiceLocked() throws {
        let (h, sim) = try Harness.submittable()
        defer { sim.stop(); h.cleanup() }
        let d = try RunningDaemon(h, notify: nil)
        defer { d.stop() }
        #expect(d.waitForLog("event=service.ready"))
        let r = try h.once()
        #expect(r.status != 0)
        #expect(r.stderr.contains("event=service.locked") && r.stderr.contains("another cpard"), "\(r.stderr)")
        #expect(!r.stderr.contains("service.pass_failed"), "not the event ops alert on")
    }

    @Test func everyCPARPanelHasALastSuccessSeriesZeroUntilItSucceeds() throws {
        let (h, sim) = try Harness.submittable(extra: "metrics.textfile = metrics.prom")
        defer { sim.stop(); h.cleanup() }
        try h.ctl("panel", "add", "--name", "Never", "--number", "1002", "--facility", "1", "--practitioner", "DR1")
        try h.ctl("panel", "add", "--name", "Walk-in", "--no-cpar", "--facility", "1", "--practitioner", "DR1")
        try h.ctl("submit", "--panel", "1001")
        #expect(try h.once().status == 0)
        let metrics = try String(contentsOf: h.dir.appendingPathComponent("metrics.prom"), encoding: .utf8)
        let series = metrics.split(separator: "\n").filter { $0.hasPrefix("cpard_last_success_timestamp_seconds{") }
        #expect(series.contains("cpard_last_success_timestamp_seconds{panel=\"1002\"} 0"), "\(metrics)")
        let done = try #require(series.first { $0.contains("panel=\"1001\"") })
        #expect((Int(done.split(separator: " ").last ?? "") ?? 0) > 1_700_000_000)
        #expect(!series.contains { $0.contains("Walk-in") }, "a panel that is not CPAR-enabled has no series")
    }
}
