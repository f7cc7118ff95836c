import Foundation
import CPARCore
import CPARService

/// `schedule`: the next automatic run, the blackout window, and the OnCalendar= lines the timer must use.
enum ScheduleCommand {
    static func run(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let calendar = try SendCalendar(config: config)
        let now = Date()
        let next = calendar.nextScheduledRun(after: now)
        let window = calendar.blackoutWindow(containingOrAfter: now)
        let onCalendar = calendar.onCalendarExpressions
        let manual = config.manualSendTime.map(clock) ?? "at once"
        if ctx.args.has("json") {
            ctx.out(JSON.object([
                ("timezone", .string(config.timezone)),
                ("next_run", .string(iso(next))),
                ("period", .string(calendar.period(of: next).description)),
                ("schedule", .object([("day", .int(config.scheduleDay)), ("time", .string(clock(config.scheduleTime)))])),
                ("blackout", .object([
                    ("enabled", .bool(config.blackoutEnabled)), ("from_day", .int(config.blackoutFromDay)),
                    ("until_day", .int(config.blackoutUntilDay)),
                    ("start", config.blackoutEnabled ? .string(iso(window.start)) : .null),
                    ("end", config.blackoutEnabled ? .string(iso(window.end)) : .null),
                    ("active", .bool(calendar.isInBlackout(now))),
                ])),
                ("manual_send_time", config.manualSendTime.map { .string(clock($0)) } ?? .null),
                ("on_calendar", .array(onCalendar.map { .string($0) })),
            ]).rendered())
            return .success
        }
        ctx.out("time zone:        \(config.timezone)")
        ctx.out("next monthly run: \(local(next, calendar)) (period \(calendar.period(of: next)))")
        if config.blackoutEnabled {
            ctx.out("blackout:         day \(config.blackoutFromDay) 00:00 to day \(config.blackoutUntilDay) 00:00"
                    + (calendar.isInBlackout(now) ? " (in effect now)" : ""))
            ctx.out("                  \(local(window.start, calendar)) to \(local(window.end, calendar))")
        } else {
            ctx.out("blackout:         disabled")
        }
        ctx.out("manual requests:  sent \(manual == "at once" ? manual : "at " + manual), outside the blackout")
        ctx.out("timer:            " + onCalendar.map { "OnCalendar=\($0)" }.joined(separator: "\n                  "))
        return .success
    }

    static func clock(_ minutes: Int) -> String {
        String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    static func iso(_ d: Date) -> String { ISO8601.format(Int64(d.timeIntervalSince1970)) }

    static func local(_ d: Date, _ calendar: SendCalendar) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = calendar.timeZone
        f.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return f.string(from: d)
    }
}
