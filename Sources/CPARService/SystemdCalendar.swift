import CPARCore

/// The systemd `OnCalendar=` expressions that match `schedule.*`. A day past 28 also fires on the last day of
/// shorter months (`*-*~01`); firing twice in a month is harmless because scheduled runs are keyed by (panel, period).
public enum SystemdCalendar {
    public static func onCalendar(_ config: Config) -> [String] {
        let time = String(format2(config.scheduleTime / 60)) + ":" + format2(config.scheduleTime % 60) + ":00"
        let day = format2(config.scheduleDay)
        var lines = ["*-*-\(day) \(time) \(config.timezone)"]
        if config.scheduleDay > 28 { lines.append("*-*~01 \(time) \(config.timezone)") }
        return lines
    }

    static func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}
