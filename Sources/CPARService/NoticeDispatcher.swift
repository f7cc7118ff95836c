import Foundation
import CPARCore
import CPARStore
import CPARNotices

/// Delivers failure notices recorded by the engine: into the Maildir always, and by SMTP when `notify.smtp_url`
/// is set. Each channel is marked done in the store once it succeeded, so a notice is retried until delivered and
/// never delivered twice into the Maildir (its file name is fixed by the notice).
public final class NoticeDispatcher {
    let config: Config
    let store: StateStore
    let log: Logger
    let maildir: MaildirDelivery
    let smtp: SMTPDelivery?
    let clock: @Sendable () -> Int64

    public init(config: Config, store: StateStore, log: Logger,
                clock: @escaping @Sendable () -> Int64 = ServiceClock.now) throws {
        self.config = config
        self.store = store
        self.log = log
        self.clock = clock
        maildir = MaildirDelivery(root: NoticeDispatcher.maildirRoot(config))
        if let url = config.smtpURL {
            let password = try config.smtpPasswordFile.map { try ConfigLoader.readSecret($0) }
            // The system CA store verifies smtps:// and STARTTLS; the registry's CA is not the mail server's.
            smtp = SMTPDelivery(url: url, from: config.smtpFrom, username: config.smtpUsername, password: password,
                                caFile: nil)
        } else {
            smtp = nil
        }
    }

    /// `notify.maildir`, else `<state.dir>/maildir`.
    public static func maildirRoot(_ config: Config) -> String { config.notifyMaildir ?? config.stateDir + "/maildir" }

    /// The Maildir file name of a notice: the same on every attempt.
    static func uniqueName(_ n: Notice) -> String { "\(n.created).cpard-\(n.id)-\(n.submissionID).cpard" }

    /// Where a delivered notice's Maildir copy is now: `new/<name>`, `cur/<name>` or `cur/<name>:2,<flags>`
    /// (a mail reader moves it); `new/<name>` when it is gone.
    public static func maildirPath(of n: Notice, root: String) -> String {
        let box = MaildirDelivery(root: root).mailbox(for: n.recipient)
        let name = uniqueName(n)
        for candidate in [box + "/new/" + name, box + "/cur/" + name] where access(candidate, F_OK) == 0 {
            return candidate
        }
        let flagged = name + ":2,"
        if let seen = (try? FileManager.default.contentsOfDirectory(atPath: box + "/cur"))?.first(where: { $0.hasPrefix(flagged) }) {
            return box + "/cur/" + seen
        }
        return box + "/new/" + name
    }

    static func message(_ n: Notice, from: String, panelLabel: String?) -> [UInt8] {
        NoticeMessage.rfc5322(from: from, to: n.recipient, subject: n.subject, body: n.body, date: n.created,
                              messageID: "<notice-\(n.id).\(n.submissionID)@cpard>",
                              extraHeaders: [("X-Cpard-Panel", panelLabel ?? ""), ("X-Cpard-Submission", n.submissionID)])
    }

    /// Delivers every notice that is due. Returns how many are still undelivered.
    @discardableResult
    public func deliverDue() throws -> Int {
        let now = clock()
        var left = 0
        for var n in try store.undeliveredNotices(now: now, maildir: true, smtp: smtp != nil) {
            let label = try store.submission(id: n.submissionID)?.panelLabel
            let bytes = NoticeDispatcher.message(n, from: config.smtpFrom, panelLabel: label)
            var errors: [String] = []
            if !n.maildirDelivered {
                do {
                    _ = try maildir.deliver(recipient: n.recipient, uniqueName: NoticeDispatcher.uniqueName(n), message: bytes)
                    CrashPoint.hit("maildir-delivered")
                    n.maildirDelivered = true
                    log.info("notice.delivered", ["notice": n.id, "submission": n.submissionID, "panel": label, "channel": "maildir"])
                } catch {
                    errors.append("maildir: \(error)")
                }
            }
            if let smtp, !n.smtpDelivered {
                do {
                    try smtp.send(to: n.recipient, message: bytes)
                    CrashPoint.hit("smtp-sent")
                    n.smtpDelivered = true
                    log.info("notice.delivered", ["notice": n.id, "submission": n.submissionID, "panel": label, "channel": "smtp"])
                } catch {
                    errors.append("\(error)")
                }
            }
            n.attempts += 1
            if errors.isEmpty {
                n.lastError = nil
            } else {
                left += 1
                n.lastError = errors.joined(separator: "; ")
                n.nextAttempt = now.addingSaturated(seconds: config.notifyRetryInterval)
                log.warning("notice.retry", ["notice": n.id, "submission": n.submissionID, "error": n.lastError,
                                             "next_attempt": ISO8601.format(n.nextAttempt)])
            }
            try store.updateNotice(n)
        }
        return left
    }
}
