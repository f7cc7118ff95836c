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

/// Issue 8 item 1: a registry's `Retry-After` must never trap, whatever year it names.
@Suite struct RetryAfterExtremeTests {
    @Test(arguments: [
        "Sun, 06 Nov 99999999999999 08:49:37 GMT",
        "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
        "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
        "Sun, 06 Nov -99999999999999 08:49:37 GMT",
        "Sun, 06 Nov 99999 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 31 Feb 2024 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
    ])
    func hostileDatesAreUnreadableNotFatal(_ value: String) {
        #expect(RetryAfter.seconds(value, now: 1_800_000_000) == nil)
    }

    @Test func extremeClocksAndDatesClampInsteadOfOverflowing() {
        #expect(RetryAfter.seconds("Fri, 31 Dec 9999 23:59:59 GMT", now: .min) == RetryAfter.maximum)
        #expect(RetryAfter.seconds("Mon, 01 Jan 0001 00:00:00 GMT", now: .max) == 0)
        #expect(RetryAfter.seconds("Fri, 31 Dec 9999 23:59:59 GMT", now: 0) == RetryAfter.maximum)
        #expect(RetryAfter.seconds("\t30 ", now: 0) == 30)
    }
}
