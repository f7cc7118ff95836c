import Foundation

/// When cpard may send: the monthly scheduled run, the blackout window and `manual.send_time`, in the
/// configured time zone. Pure: every answer is computed from the instant it is given. SPEC §9.
///
/// Local wall-clock times are mapped to instants like this: a time that occurs twice (the autumn DST change)
/// means its first occurrence; a time that does not exist (the spring gap) is moved forward by the gap
/// (02:30 on a spring-forward day in America/Edmonton is 03:30 MDT).
public struct SendCalendar: Sendable {
    public let timeZone: TimeZone
    /// `schedule.timezone` as configured (Foundation may report an alias, e.g. GMT for UTC).
    public let timeZoneName: String
    public let scheduleDay: Int
    /// Minutes after local midnight.
    public let scheduleTime: Int
    public let blackoutEnabled: Bool
    public let blackoutFromDay: Int
    public let blackoutUntilDay: Int
    /// Minutes after local midnight, or nil to send manual requests at once.
    public let manualSendTime: Int?

    public init(config: Config) throws(SendCalendarError) {
        guard let tz = TimeZone(identifier: config.timezone) else { throw .unknownTimeZone(config.timezone) }
        guard (1...31).contains(config.scheduleDay) else { throw .invalidSetting("schedule.day must be 1 to 31") }
        guard (0..<1440).contains(config.scheduleTime) else { throw .invalidSetting("schedule.time must be 00:00 to 23:59") }
        if let m = config.manualSendTime, !(0..<1440).contains(m) {
            throw .invalidSetting("manual.send_time must be 00:00 to 23:59")
        }
        guard (1...31).contains(config.blackoutFromDay), (1...31).contains(config.blackoutUntilDay) else {
            throw .invalidSetting("blackout.from_day and blackout.until_day must be 1 to 31")
        }
        if config.blackoutEnabled && config.blackoutFromDay == config.blackoutUntilDay {
            throw .blackoutCoversEveryDay(day: config.blackoutFromDay)
        }
        timeZone = tz
        timeZoneName = config.timezone
        scheduleDay = config.scheduleDay
        scheduleTime = config.scheduleTime
        blackoutEnabled = config.blackoutEnabled
        blackoutFromDay = config.blackoutFromDay
        blackoutUntilDay = config.blackoutUntilDay
        manualSendTime = config.manualSendTime
    }

    // MARK: - Scheduled run

    /// The next monthly run strictly after `after`.
    public func nextScheduledRun(after: Date) -> Date {
        let period = period(of: after)
        let run = scheduledRun(in: period)
        return run > after ? run : scheduledRun(in: period.adding(months: 1))
    }

    /// That month's run: `schedule.day` (the month's last day when shorter) at `schedule.time`, local.
    public func scheduledRun(in period: Period) -> Date {
        instant(period.date(clampingDay: scheduleDay), minutes: scheduleTime)
    }

    /// The local month of an instant.
    public func period(of date: Date) -> Period {
        Period(containing: civilDate(of: date))
    }

    /// The local calendar date of an instant (e.g. the default `--as-of`).
    public func civilDate(of date: Date) -> CivilDate {
        let t = seconds(date)
        let local = t + Int64(offset(at: t))
        return CivilDate(clampingDays: floorDiv(local, 86400))
    }

    // MARK: - Sending

    /// When a request made at `requestedAt` may first be sent. Manual: at once, or at the next `manual.send_time`
    /// (today when still ahead, else tomorrow). Either way, an instant inside the blackout moves to its end.
    public func earliestSend(requestedAt: Date, trigger: SubmissionTrigger) -> Date {
        var at = requestedAt
        if trigger == .manual, let minutes = manualSendTime {
            let today = civilDate(of: requestedAt)
            at = instant(today, minutes: minutes)
            if at < requestedAt { at = instant(today.adding(days: 1), minutes: minutes) }
        }
        return nextSendAllowed(from: at)
    }

    /// `from` itself, or the end of the blackout it falls in.
    public func nextSendAllowed(from: Date) -> Date {
        isInBlackout(from) ? blackoutWindow(containingOrAfter: from).end : from
    }

    // MARK: - Local time

    /// The instant of local wall-clock time `minutes` after midnight on `date` (see the type's notes on DST).
    public func instant(_ date: CivilDate, minutes: Int) -> Date {
        let wall = Int64(date.daysSinceEpoch) * 86400 + Int64(minutes) * 60
        let before = offset(at: wall - 86400)
        let after = offset(at: wall + 86400)
        let early = wall - Int64(before)
        let late = wall - Int64(after)
        let earlyOK = offset(at: early) == before
        let lateOK = offset(at: late) == after
        let t: Int64
        switch (earlyOK, lateOK) {
        case (true, true): t = min(early, late)      // ambiguous: the first occurrence
        case (true, false): t = early
        case (false, true): t = late
        case (false, false): t = early               // in the gap: moved forward by the gap
        }
        return Date(timeIntervalSince1970: TimeInterval(t))
    }

    func offset(at t: Int64) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
    }

    func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
}

public enum SendCalendarError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownTimeZone(String)
    case invalidSetting(String)
    case blackoutCoversEveryDay(day: Int)

    public var description: String {
        switch self {
        case .unknownTimeZone(let name): "schedule.timezone: unknown time zone '\(name)'"
        case .invalidSetting(let why): why
        case .blackoutCoversEveryDay(let day):
            "blackout.from_day and blackout.until_day are both \(day): the blackout would never end"
        }
    }
}
