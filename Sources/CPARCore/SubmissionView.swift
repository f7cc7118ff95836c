import Foundation

/// How a submission reads to a panel administrator, shared by `status`, `history` and the HTML report (SPEC §13):
/// local times in `schedule.timezone`, the trigger in words, and no patient count when nothing was posted.
public struct SubmissionView: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// The reason `SubmissionEngine.requeueFailed` (SIGUSR1) gives its requests: they read as "re-queue".
    public static let requeueReason = "re-queued after failure"

    /// `scheduled`, `manual` or `re-queue`.
    public static func trigger(_ s: Submission) -> String {
        if s.trigger == .scheduled { return "scheduled" }
        return s.reason == requeueReason ? "re-queue" : "manual"
    }

    /// The patients sent, or nil when nothing was posted (a panel that failed before any POST sent nobody).
    public static func patientsSent(_ s: Submission) -> Int? {
        s.attempts > 0 || s.status == .pending || s.status == .submitted ? s.patients : nil
    }

    /// When a Queued submission goes next: never shown in the past (a request waiting for cpard is due "now").
    public static func nextAttempt(_ s: Submission, now: Int64) -> Int64? {
        guard s.status == .queued, let next = s.nextAttempt else { return nil }
        return max(next, now)
    }

    /// `YYYY-MM-DD HH:MM` in the time zone.
    public func local(_ unixSeconds: Int64) -> String {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds))))
        let t = unixSeconds + offset
        let days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400)
        let secondOfDay = t - days * 86400
        let date = CivilDate(daysSinceEpoch: Int32(clamping: days))
        let hh = secondOfDay / 3600, mm = secondOfDay % 3600 / 60
        return "\(date) \(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm)"
    }

    /// The zone's abbreviation at that instant (e.g. MST), for a table's note.
    public func abbreviation(at unixSeconds: Int64) -> String {
        timeZone.abbreviation(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds))) ?? timeZone.identifier
    }
}
