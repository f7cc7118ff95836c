/// A maximum age for panel hygiene (`hygiene.confirmation_max_age`, `hygiene.visit_max_age`, SPEC §14): whole
/// calendar years (`3y`) or days (`1095` or `1095d`; the config's other duration forms, such as `26280h`, count
/// in whole days).
public enum AgeLimit: Equatable, Sendable, CustomStringConvertible {
    case years(Int)
    case days(Int)

    public static let defaultLimit = AgeLimit.years(3)
    /// The longest limit accepted: 100 years.
    public static let maxDays = 36525

    /// `Ny` (calendar years), a bare number of days, or a config duration (`1095d`, `26280h`) of at least one day,
    /// up to 100 years.
    public init?(config text: String) {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard text.count <= 6, let n = Int(text), (1...Self.maxDays).contains(n) else { return nil }
            self = .days(n)
            return
        }
        if text.hasSuffix("y") {
            let digits = text.dropLast()
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits),
                  (1...100).contains(n) else { return nil }
            self = .years(n)
            return
        }
        guard let seconds = ConfigDuration.seconds(text), seconds >= 86400, seconds / 86400 <= Self.maxDays else {
            return nil
        }
        self = .days(seconds / 86400)
    }

    /// The earliest date still within the limit on `asOf`: a date before it is older than the limit. Years count on
    /// the calendar (3 years before 2026-02-28 is 2023-02-28; before 2028-02-29, 2025-02-28).
    public func cutoff(asOf: CivilDate) -> CivilDate {
        switch self {
        case .days(let n): return asOf.adding(days: -n)
        case .years(let n):
            let (y, m, d) = asOf.components
            let year = max(1000, y - n)
            return CivilDate(year: year, month: m, day: min(d, CivilDate.daysIn(month: m, year: year)))
                ?? CivilDate(daysSinceEpoch: asOf.daysSinceEpoch - Int32(n * 366))
        }
    }

    public var description: String {
        switch self {
        case .years(let n): return "\(n) year" + (n == 1 ? "" : "s")
        case .days(let n): return "\(n) day" + (n == 1 ? "" : "s")
        }
    }
}
