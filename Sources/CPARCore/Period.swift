/// A submission period, `YYYY-MM`.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1000...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public init(containing date: CivilDate) {
        let c = date.components
        year = c.year
        month = c.month
    }

    public var description: String { pad(year, 4) + "-" + pad(month, 2) }

    public static func < (a: Period, b: Period) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

extension Period {
    /// The period `months` later (or earlier, when negative).
    public func adding(months: Int) -> Period {
        let index = year * 12 + (month - 1) + months
        return Period(year: index / 12, month: index % 12 + 1) ?? self
    }

    public var numberOfDays: Int { CivilDate.daysIn(month: month, year: year) }

    /// The period's `day`, clamped to its last day (the 31st in April is the 30th).
    public func date(clampingDay day: Int) -> CivilDate {
        CivilDate(year: year, month: month, day: min(max(day, 1), numberOfDays))!
    }
}
