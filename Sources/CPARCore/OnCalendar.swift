/// The systemd `OnCalendar=` lines that fire at the configured monthly run, so the timer agrees with
/// `schedule.day`, `schedule.time` and `schedule.timezone`. SPEC §9.
extension SendCalendar {
    /// One `OnCalendar=` value per line. Days 29–31 use systemd's last-day syntax (`~01`) so that short months
    /// run on their last day, as cpard itself does.
    public var onCalendarExpressions: [String] {
        let time = pad(scheduleTime / 60, 2) + ":" + pad(scheduleTime % 60, 2) + ":00 " + timeZoneName
        switch scheduleDay {
        case ...28: return ["*-*-" + pad(scheduleDay, 2) + " " + time]
        case 31: return ["*-*~01 " + time]
        default:
            // The 29th or 30th exists in every month but February, which runs on its last day.
            return ["*-*-" + pad(scheduleDay, 2) + " " + time, "*-02~01 " + time]
        }
    }
}
