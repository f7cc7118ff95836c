import CPARCore
import Foundation
import Testing
@testable import CPARService

@Suite("log lines")
struct LoggerTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ s: String) { lock.withLock { lines.append(s) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test func journalLinesCarryThePriorityPrefixAndStableEventNames() {
        let lines = Lines()
        let log = Logger(level: .info, journal: true, sink: { lines.append($0) })
        log.error("submission.failed", ["panel": "1001", "error": "registry rejected: E1 bad thing", "absent": nil])
        log.info("submission.queued", ["panel": "1001"])
        log.debug("hidden", [:])
        #expect(lines.all == [
            "<3>event=submission.failed panel=1001 error=\"registry rejected: E1 bad thing\"\n",
            "<6>event=submission.queued panel=1001\n",
        ])
    }

    @Test func plainLinesHaveATimestampAndLevelAndOneLineEach() {
        let lines = Lines()
        let log = Logger(level: .debug, journal: false, sink: { lines.append($0) })
        log.warning("x.y", ["k": "two\nlines", "q": "say \"hi\""])
        let line = try! #require(lines.all.first)
        #expect(line.hasSuffix(" warning event=x.y k=\"two\\nlines\" q=\"say \\\"hi\\\"\"\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(line.prefix(20).contains("T") && line.contains("Z warning"))
    }

    @Test func levelFilters() {
        let lines = Lines()
        let log = Logger(level: .warning, journal: true, sink: { lines.append($0) })
        log.info("a", [:])
        log.notice("b", [:])
        log.warning("c", [:])
        #expect(lines.all == ["<4>event=c\n"])
    }

    @Test func isoTimestamps() {
        #expect(ISO8601.format(0) == "1970-01-01T00:00:00Z")
        #expect(ISO8601.format(1_795_809_600) == "2026-11-27T20:00:00Z")
        #expect(ISO8601.format(-1) == "1969-12-31T23:59:59Z")
    }
}
