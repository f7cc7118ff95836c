import Foundation
import CPARCore
import CPARService

/// `inbox [--recipient R]`: the failure notices delivered into the Maildir, newest first. The store knows every
/// notice (recipient, subject, panel, time) and whether its Maildir copy was delivered; the Maildir is only asked
/// where the message file is now (`new/`, or `cur/` once a mail reader has seen it).
enum InboxCommand {
    struct Message {
        var recipient: String
        var panel: String
        var subject: String
        var date: Int64
        var path: String
    }

    static func run(_ ctx: Context) throws -> ExitStatus {
        let root = NoticeDispatcher.maildirRoot(try ctx.config())
        let wanted = try ctx.args.value("recipient")?.lowercased()
        let store = try ctx.store()
        var messages: [Message] = []
        for n in try store.notices(recipient: nil) where n.maildirDelivered {
            guard wanted == nil || n.recipient.lowercased() == wanted else { continue }
            let panel = try store.submission(id: n.submissionID)?.panelLabel ?? ""
            messages.append(Message(recipient: n.recipient, panel: panel, subject: n.subject, date: n.created,
                                    path: NoticeDispatcher.maildirPath(of: n, root: root)))
        }
        if ctx.args.has("json") {
            ctx.out(JSON.object([("messages", .array(messages.map { m in
                .object([("recipient", .string(m.recipient)), ("panel", .string(m.panel)), ("subject", .string(m.subject)),
                         ("date", .string(ISO8601.format(m.date))), ("path", .string(m.path))])
            }))]).rendered())
            return .success
        }
        if messages.isEmpty { ctx.out("no messages"); return .success }
        var table = [["DATE", "RECIPIENT", "PANEL", "SUBJECT"]]
        for m in messages { table.append([ISO8601.format(m.date), m.recipient, m.panel, m.subject]) }
        ctx.out(Table.render(table, limits: [1: 30, 2: 12], width: 120))
        return .success
    }
}
