import Foundation

/// The blackout: from 00:00 on `blackout.from_day` to 00:00 on `blackout.until_day` (local), when nothing is sent.
/// When until ≤ from the window wraps into the next month (20 → 1: the 20th 00:00 to the 1st 00:00). Days past a
/// month's end mean its last day, as for `schedule.day`. SPEC §9.
extension SendCalendar {
    public func isInBlackout(_ at: Date) -> Bool {
        guard blackoutEnabled else { return false }
        let month = period(of: at)
        for m in [month.adding(months: -1), month] {
            if let w = window(startingIn: m), w.start <= at, at < w.end { return true }
        }
        return false
    }

    /// The blackout window that contains `containingOrAfter`, or else the next one. Back-to-back windows are joined.
    /// With the blackout disabled there is none: the result is the empty window (t, t).
    public func blackoutWindow(containingOrAfter t: Date) -> (start: Date, end: Date) {
        guard blackoutEnabled else { return (t, t) }
        var month = period(of: t).adding(months: -1)
        for _ in 0..<24 {
            defer { month = month.adding(months: 1) }
            guard let w = window(startingIn: month), w.end > t else { continue }
            var end = w.end
            var next = month.adding(months: 1)
            for _ in 0..<24 {
                guard let n = window(startingIn: next), n.start <= end else { break }
                end = max(end, n.end)
                next = next.adding(months: 1)
            }
            return (w.start, end)
        }
        return (t, t)  // unreachable with a valid configuration: every year has windows
    }

    /// The window that starts in `month`, or nil when clamping to a short month leaves it empty.
    func window(startingIn month: Period) -> (start: Date, end: Date)? {
        let from = month.date(clampingDay: blackoutFromDay)
        let until: CivilDate
        if blackoutUntilDay > blackoutFromDay {
            until = month.date(clampingDay: blackoutUntilDay)
            guard until > from else { return nil }
        } else {
            until = month.adding(months: 1).date(clampingDay: blackoutUntilDay)
        }
        return (instant(from, minutes: 0), instant(until, minutes: 0))
    }
}
