/// A calendar date without time zone (`YYYY-MM-DD`), stored as days since 1970-01-01.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// Returns nil unless year/month/day form a real date (proleptic Gregorian, years 1000...9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1000...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        daysSinceEpoch = Int32(truncatingIfNeeded: Civil.days(year: year, month: month, day: day))
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        var utf8 = Array(text.utf8)
        let parsed = utf8.withUnsafeMutableBufferPointer { CivilDate(isoBytes: UnsafeBufferPointer($0)) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// Parses exactly `YYYY-MM-DD` from raw bytes (the CSV hot path).
    @inlinable
    public init?(isoBytes b: UnsafeBufferPointer<UInt8>) {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let v = Int(b[i]) &- 48
            return (0...9).contains(v) ? v : nil
        }
        guard let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
              let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9) else { return nil }
        self.init(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public var components: (year: Int, month: Int, day: Int) { Civil.date(fromDays: Int(daysSinceEpoch)) }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// Saturates at the ends of the representable range instead of trapping.
    public func adding(days: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: Int32(clamping: Int(daysSinceEpoch).addingSaturated(days)))
    }

    /// The date of day number `days`, clamped into the representable range.
    public init(clampingDays days: Int64) { daysSinceEpoch = Int32(clamping: days) }

    public var description: String {
        let c = components
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }
}

@usableFromInline
func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days): the one copy, used
/// by every date parser and formatter in cpard. Values from outside (a registry's `Retry-After`, a stored time) go
/// through the checked forms, which refuse years outside `Civil.years` instead of overflowing.
public enum Civil {
    /// The years the checked forms accept: far beyond any real date, small enough that no step can overflow.
    public static let years: ClosedRange<Int> = -1_000_000_000...1_000_000_000

    /// Days since 1970-01-01 of a valid date, or nil for an impossible date or a year outside `years`.
    public static func checkedDays(year: Int, month: Int, day: Int) -> Int? {
        guard years.contains(year), (1...12).contains(month), day >= 1,
              day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        return days(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01. The caller has checked the date (month 1...12, day in the month, year in `years`).
    @inlinable @inline(__always)
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year &- 1 : year
        let era = (y >= 0 ? y : y &- 399) / 400
        let yoe = y &- era &* 400
        let mp = month > 2 ? month &- 3 : month &+ 9
        let doy = (153 &* mp &+ 2) / 5 &+ day &- 1
        let doe = yoe &* 365 &+ yoe / 4 &- yoe / 100 &+ doy
        return era &* 146_097 &+ doe &- 719_468
    }

    /// The date of day number `days` since 1970-01-01. Any day number is accepted: those beyond about ±10^15
    /// (far outside any timestamp) are clamped there first, so nothing can overflow.
    public static func date(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        if days >= -fastRange && days <= fastRange { return fastDate(fromDays: days) }
        return eraDate(fromDays: days)
    }

    /// Day numbers within ±this (about years −25,400 to 29,300) take `fastDate`.
    static let fastRange = 10_000_000

    /// Neri and Schneider's "Euclidean affine" conversion (Software: Practice and Experience, 2022): multiplications
    /// and shifts instead of the era arithmetic's divisions, on the day number moved by 82 whole 400-year cycles so
    /// that everything is unsigned. Exact for |days| ≤ `fastRange` (the tests compare every such day with
    /// `eraDate`). The payload writes three dates a patient, so this runs millions of times per extract.
    @inline(__always)
    static func fastDate(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let cycles: UInt64 = 82
        let n = UInt64(bitPattern: Int64(days)) &+ (719_468 &+ 146_097 &* cycles)
        let n1 = 4 &* n &+ 3
        let century = n1 / 146_097
        let dayOfCentury = n1 % 146_097 / 4
        let n2 = 4 &* dayOfCentury &+ 3
        let p2 = 2_939_745 &* n2
        let yearOfCentury = p2 >> 32
        let dayOfYear = (p2 & 0xFFFF_FFFF) / 2_939_745 / 4
        let n3 = 2_141 &* dayOfYear &+ 197_913
        let month = n3 >> 16, day = (n3 & 0xFFFF) / 2_141 + 1
        let january = dayOfYear >= 306
        let year = Int(100 &* century &+ yearOfCentury) - Int(400 &* cycles) + (january ? 1 : 0)
        return (year, Int(january ? month &- 12 : month), Int(day))
    }

    /// Howard Hinnant's era-based conversion, for any day number.
    static func eraDate(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = min(max(days, -1_000_000_000_000_000), 1_000_000_000_000_000) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Day of the week of day number `days`: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    public static func weekday(fromDays days: Int) -> Int {
        let r = (days % 7 + 7) % 7
        return (r + 4) % 7
    }
}

extension Int {
    /// `self + other`, clamped to `Int.min...Int.max` instead of trapping.
    @inlinable
    public func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}

extension Int64 {
    /// `self + other`, clamped instead of trapping: for "now + a delay" on configured or received values.
    @inlinable
    public func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    @inlinable
    public func addingSaturated(seconds: Int) -> Int64 { addingSaturated(Int64(seconds)) }

    /// `self - other`, clamped instead of trapping: for ages and spans computed from stored times.
    @inlinable
    public func subtractingSaturated(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other > 0 ? .min : .max) : difference
    }
}
