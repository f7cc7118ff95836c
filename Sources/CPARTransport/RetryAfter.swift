import CPARCore

/// Parses an HTTP `Retry-After` value: delta-seconds, or an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`)
/// turned into seconds from `now`. Nil when unreadable (a date with a year other than four digits included);
/// never negative, never above `maximum`.
enum RetryAfter {
    /// About 31 years: any longer wait is the same as this one (the retry policy clamps it to `retry.max_backoff`).
    static let maximum = 999_999_999

    static func seconds(_ value: String, now: Int64) -> Int? {
        let text = value.trimmingSpaces
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return text.utf8.count > 9 ? maximum : Int(text)
        }
        guard let date = httpDate(text) else { return nil }
        let (delta, overflow) = date.subtractingReportingOverflow(now)
        if overflow { return now < 0 ? maximum : 0 }
        return Int(max(0, min(delta, Int64(maximum))))
    }

    /// IMF-fixdate only (RFC 9110 §5.6.7); obsolete formats are not worth the code.
    static func httpDate(_ text: some StringProtocol) -> Int64? { Timestamp.parseIMFFixdate(text) }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's OWS).
    fileprivate var trimmingSpaces: SubSequence {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
