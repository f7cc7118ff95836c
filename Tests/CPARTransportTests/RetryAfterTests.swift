@testable import CPARTransport
import Testing

@Suite struct RetryAfterTests {
    @Test func deltaSeconds() {
        #expect(RetryAfter.seconds("7", now: 0) == 7)
        #expect(RetryAfter.seconds(" 120 ", now: 0) == 120)
        #expect(RetryAfter.seconds("0", now: 0) == 0)
        #expect(RetryAfter.seconds("99999999999999999999", now: 0) == 999_999_999)
    }

    @Test func httpDateBecomesSecondsFromNow() {
        // 1994-11-06 08:49:37 UTC = 784111777
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_777 - 90) == 90)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_777 + 5) == 0)
        #expect(RetryAfter.httpDate("Thu, 29 Feb 2024 00:00:00 GMT") == 1_709_164_800)
    }

    @Test func unreadableValuesAreIgnored() {
        for value in ["", "-5", "1.5", "soon", "Sun, 06 Nov 1994 08:49:37 PST", "Sunday, 06-Nov-94 08:49:37 GMT"] {
            #expect(RetryAfter.seconds(value, now: 0) == nil, "\(value)")
        }
    }
}
