import Foundation

/// How a submission reads to a panel administrator, shared by `status`, `history` and the HTML report (SPEC §13):
/// local times in `schedule.timezone`, the trigger in words, and no patient count when nothing was posted.
public struct SubmissionView: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// The reason `SubmissionEngine.requeueFailed` (SIGUSR1) gives its requests (history shows no "reason:" note
    /// for it); schema migration 3 also used it once to mark the re-queues stored before `requeued` existed.
    public static let requeueReason = "re-queued after failure"

    /// `scheduled`, `manual` or `re-queue` (the stored `requeued` flag, never the reason text).
    public static func trigger(_ s: Submission) -> String {
        if s.trigger == .scheduled { return "scheduled" }
        return s.requeued ? "re-queue" : "manual"
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

    /// `YYYY-MM-DD HH:MM` in the time zone. Total, like `Timestamp`: a far-future time already stored prints its
    /// year as it is (`+5881580-07-11 00:00`).
    public func local(_ unixSeconds: Int64) -> String {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds))))
        let (sum, overflow) = unixSeconds.addingReportingOverflow(offset)
        let (days, secondOfDay) = Timestamp.split(overflow ? unixSeconds : sum)
        let hh = secondOfDay / 3600, mm = secondOfDay % 3600 / 60
        return Timestamp.dateText(Civil.date(fromDays: days)) + " \(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm)"
    }

    /// The zone's abbreviation at that instant (e.g. MST), for a table's note.
    public func abbreviation(at unixSeconds: Int64) -> String {
        timeZone.abbreviation(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds))) ?? timeZone.identifier
    }
}
