import Foundation
import Testing

/// A manual request made in the blackout stays Queued, with the blackout's end as its next attempt, and nothing is
/// posted (SPEC §9). The blackout is set to cover today, whatever day the test runs.
@Suite("blackout end to end")
struct BlackoutTests {
    @Test func requestInTheBlackoutWaitsForItsEnd() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/Edmonton")!
        let today = calendar.component(.day, from: Date())
        let tomorrowStart = calendar.startOfDay(for: calendar.date(byAdding: .day, value: 1, to: Date())!)
        let tomorrow = calendar.component(.day, from: tomorrowStart)
        let (h, sim) = try Harness.submittable(extra: """
            blackout.enabled = true
            blackout.from_day = \(today)
            blackout.until_day = \(tomorrow)
            """)
        defer { sim.stop(); h.cleanup() }
        #expect(try h.ctl("schedule", "--json").stdout.contains("\"active\": true"))
        try h.ctl("submit", "--panel", "1001")
        try h.once()
        let s = try h.panelStatus()
        #expect(s["status"] as? String == "Queued")
        let next = try #require((s["next_attempt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(next == tomorrowStart, "sent at 00:00 local on the until-day")
        #expect(sim.posts.isEmpty)
    }
}
