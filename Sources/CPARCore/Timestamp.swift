/// Unix seconds ↔ UTC text: ISO 8601 (`2026-11-21T19:30:00Z`, logs, CLI output, payloads), RFC 5322 / IMF
/// (`Thu, 21 Nov 2024 19:29:00 +0000` for mail; `Sun, 06 Nov 1994 08:49:37 GMT` in HTTP `Retry-After`).
/// Computed by hand on `Civil`, so no locale or time zone setting changes them. Formatting is total: any Int64
/// (say a far-future time already stored) formats without trapping; parsing refuses what it cannot represent.
public enum Timestamp {
    /// (day number, second of the day 0...86399), flooring for times before 1970.
    public static func split(_ seconds: Int64) -> (days: Int, secondOfDay: Int) {
        var days = seconds / 86400
        var rest = seconds % 86400
        if rest < 0 { days -= 1; rest += 86400 }
        return (Int(days), Int(rest))
    }

    /// `YYYY-MM-DDThh:mm:ssZ`; years beyond 9999 or before 0 are printed as they are (`+5881610-…`, `-0001-…`).
    public static func iso8601(_ seconds: Int64) -> String {
        let (days, rest) = split(seconds)
        return dateText(Civil.date(fromDays: days)) + "T" + clock(rest, separator: ":") + "Z"
    }

    /// `YYYY-MM-DD` of a date's components, zero-padded to four year digits; a sign beyond 9999 or before 0.
    public static func dateText(_ c: (year: Int, month: Int, day: Int)) -> String {
        let year = c.year < 0 ? "-" + pad(-c.year, 4) : (c.year > 9999 ? "+" + String(c.year) : pad(c.year, 4))
        return year + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    /// `Thu, 21 Nov 2024 19:29:00 +0000`.
    public static func rfc5322(_ seconds: Int64) -> String {
        let (days, rest) = split(seconds)
        let c = Civil.date(fromDays: days)
        return weekdays[Civil.weekday(fromDays: days)] + ", " + pad(c.day, 2) + " " + months[c.month - 1] + " "
            + String(c.year) + " " + clock(rest, separator: ":") + " +0000"
    }

    /// Parses an IMF-fixdate (RFC 9110 §5.6.7: `Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds. Nil unless the
    /// text is exactly that form with a four-digit year and real date and time; the weekday name is not checked
    /// against the date. Obsolete HTTP date forms are not accepted.
    public static func parseIMFFixdate(_ text: some StringProtocol) -> Int64? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","),
              weekdays.contains(String(parts[0].dropLast())), parts[5] == "GMT",
              parts[1].count == 2, let day = digits(parts[1]),
              let monthIndex = months.firstIndex(of: String(parts[2])),
              parts[3].count == 4, let year = digits(parts[3]) else { return nil }
        let hms = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard hms.count == 3, hms.allSatisfy({ $0.count == 2 }),
              let h = digits(hms[0]), let m = digits(hms[1]), let s = digits(hms[2]),
              h <= 23, m <= 59, s <= 60,
              let days = Civil.checkedDays(year: year, month: monthIndex + 1, day: day) else { return nil }
        return Int64(days) * 86400 + Int64(h * 3600 + m * 60 + s)
    }

    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A run of 1 to 9 ASCII digits as a number.
    static func digits(_ s: some StringProtocol) -> Int? {
        guard (1...9).contains(s.utf8.count), s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return s.utf8.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    static func clock(_ secondOfDay: Int, separator: String) -> String {
        pad(secondOfDay / 3600, 2) + separator + pad(secondOfDay / 60 % 60, 2) + separator + pad(secondOfDay % 60, 2)
    }
}

/// ISO 8601 UTC timestamps (`2026-11-21T19:30:00Z`) from Unix seconds: the form logs and `cparctl` print.
public enum ISO8601 {
    public static func format(_ seconds: Int64) -> String { Timestamp.iso8601(seconds) }
}
