import Foundation
import Testing
@testable import CPARCore

/// The one calendar module: exact round trips over a wide range, and no trap on any Int64.
@Suite struct CivilTimeTests {
    @Test func daysRoundTripAcrossEras() {
        var previous: Int?
        for days in stride(from: -800_000, through: 3_000_000, by: 997) {
            let c = Civil.date(fromDays: days)
            #expect(Civil.checkedDays(year: c.year, month: c.month, day: c.day) == days)
            if let previous { #expect(days > previous) }
            previous = days
        }
        #expect(Civil.checkedDays(year: 1970, month: 1, day: 1) == 0)
        #expect(Civil.checkedDays(year: 2000, month: 3, day: 1) == 11_017)
        #expect(Civil.checkedDays(year: 2023, month: 2, day: 29) == nil)
        #expect(Civil.checkedDays(year: Int.max, month: 1, day: 1) == nil)
        #expect(Civil.checkedDays(year: Int.min, month: 1, day: 1) == nil)
        #expect(Civil.checkedDays(year: 1_000_000_001, month: 1, day: 1) == nil)
        #expect(Civil.checkedDays(year: 1_000_000_000, month: 12, day: 31) != nil)
    }

    /// The fast conversion agrees with the era arithmetic on every day it is used for, and at its edges.
    @Test func fastConversionMatchesEraArithmeticOnEveryDay() {
        var mismatches = 0
        for days in -Civil.fastRange...Civil.fastRange where Civil.fastDate(fromDays: days) != Civil.eraDate(fromDays: days) {
            mismatches += 1
        }
        #expect(mismatches == 0)
        for days in [-Civil.fastRange - 1, Civil.fastRange + 1, Int.min, Int.max, -1_000_000_000_000_000] {
            #expect(Civil.date(fromDays: days) == Civil.eraDate(fromDays: days))
        }
        #expect(Civil.date(fromDays: 0) == (1970, 1, 1) && Civil.date(fromDays: -1) == (1969, 12, 31))
        #expect(Civil.date(fromDays: 11_016) == (2000, 2, 29) && Civil.date(fromDays: 20_788) == (2026, 12, 1))
    }

    @Test func weekdays() {
        #expect(Civil.weekday(fromDays: 0) == 4)           // Thursday
        #expect(Civil.weekday(fromDays: -1) == 3)
        #expect(Civil.weekday(fromDays: 19_683) == 3)      // 2023-11-22, a Wednesday
    }

    @Test func formattingIsTotalOverInt64() {
        for t: Int64 in [.min, .min + 1, -1, 0, 1, .max - 1, .max, 185_542_587_187_200, -62_135_596_801] {
            _ = Timestamp.iso8601(t)
            _ = Timestamp.rfc5322(t)
            _ = ISO8601.format(t)
        }
        #expect(Timestamp.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(-1) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.iso8601(951_825_599) == "2000-02-29T11:59:59Z")
        #expect(Timestamp.iso8601(253_402_300_800) == "+10000-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(-62_167_219_201) == "-0001-12-31T23:59:59Z")
        #expect(Timestamp.rfc5322(1_732_217_340) == "Thu, 21 Nov 2024 19:29:00 +0000")
    }

    @Test func imfFixdateParsesOnlyFourDigitYears() {
        #expect(Timestamp.parseIMFFixdate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(Timestamp.parseIMFFixdate("Sun, 06 Nov 99999999999999 08:49:37 GMT") == nil)
        #expect(Timestamp.parseIMFFixdate("Sun, 06 Nov -999 08:49:37 GMT") == nil)
        #expect(Timestamp.parseIMFFixdate("Sun, 06 Nov 1994 8:49:37 GMT") == nil)
        for t: Int64 in [0, 784_111_777, 1_709_164_800, 253_402_300_799] {
            let text = Timestamp.rfc5322(t).replacingOccurrences(of: "+0000", with: "GMT")
            #expect(Timestamp.parseIMFFixdate(text) == t, "\(text)")
        }
    }

    @Test func saturatingArithmetic() {
        #expect(Int64.max.addingSaturated(seconds: 1) == .max)
        #expect(Int64.min.addingSaturated(-1) == .min)
        #expect(Int64(10).addingSaturated(seconds: 5) == 15)
        #expect(Int.max.addingSaturated(1) == .max)
        #expect(Int64.max.subtractingSaturated(-1) == .max)
        #expect(Int64.min.subtractingSaturated(1) == .min)
        #expect(Int64(10).subtractingSaturated(4) == 6)
        let policy = RetryPolicy(minBackoff: 1, maxBackoff: 2, maxLifetime: 60)
        #expect(policy.givesUp(created: .min, now: .max))
        #expect(!policy.givesUp(created: .max, now: .min))
        #expect(CivilDate(daysSinceEpoch: .max).adding(days: 1).daysSinceEpoch == .max)
        #expect(CivilDate(daysSinceEpoch: 0).adding(days: Int.min).daysSinceEpoch == .min)
        #expect(CivilDate(clampingDays: .max).daysSinceEpoch == .max)
    }
}
