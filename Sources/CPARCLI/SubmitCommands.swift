import Foundation
import CPARCore
import CPARService

/// `submit`, `status`, `history`.
enum SubmitCommands {
    static func submit(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let store = try ctx.store()
        let scheduled = ctx.args.has("scheduled")
        var period: Period?
        if let text = try ctx.args.value("period") {
            guard scheduled else { throw UsageError("--period goes with --scheduled") }
            guard let p = Period(text) else { throw UsageError("--period must be YYYY-MM") }
            period = p
        }
        let panels: [Panel]
        switch (try ctx.args.value("panel"), ctx.args.has("all")) {
        case (let label?, false): panels = [try ctx.panel(label)]
        case (nil, true): panels = try store.panels().filter(\.cparEnabled)
        default: throw UsageError("give either --panel P or --all")
        }
        // Event lines go to the journal when run by the timer; at a terminal the summary lines below say it all.
        let underJournal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        let log = Logger(level: underJournal ? config.logLevel : .warning)
        // cparctl only queues; cpard sends. No registry credentials are needed here.
        let engine = try SubmissionEngine(config: config, store: store, transport: UnconfiguredRegistry(), log: log)
        let requestedBy = try ctx.args.value("requested-by") ?? (scheduled ? "timer" : "cparctl:\(NSUserName())")
        var accepted = 0
        for panel in panels {
            switch try engine.request(panel: panel, trigger: scheduled ? .scheduled : .manual, period: period,
                                      requestedBy: requestedBy, reason: try ctx.args.value("reason")) {
            case .accepted(let s):
                accepted += 1
                ctx.out("panel \(panel.label): Queued for \(s.period) (submission \(s.id), next attempt "
                        + "\(s.nextAttempt.map(ISO8601.format) ?? "now"))")
            case .alreadyActive(let s):
                ctx.out("panel \(panel.label): already \(s.status.rawValue) (submission \(s.id)); nothing to do")
            case .alreadyScheduled(let s):
                ctx.out("panel \(panel.label): the scheduled run for \(s.period) exists already (\(s.status.rawValue)); nothing to do")
            }
        }
        if panels.isEmpty { ctx.out("no CPAR-enabled panels") }
        if accepted > 0 { Daemon.nudge(stateDir: config.stateDir) }
        return .success
    }

    static func status(_ ctx: Context) throws -> ExitStatus {
        let store = try ctx.store()
        var rows: [(Panel, Submission?)] = []
        for panel in try store.panels() { rows.append((panel, try store.latestSubmission(panelID: panel.id))) }
        if ctx.args.has("json") {
            ctx.out(JSON.object([("panels", .array(rows.map { panel, s in
                .object([
                    ("panel", .string(panel.label)),
                    ("status", .optional(s?.status.rawValue)),
                    ("error", .optional(s?.error)),
                    ("next_attempt", .optional(s.flatMap { $0.status == .queued ? $0.nextAttempt.map(ISO8601.format) : nil })),
                    ("patients", .optional(s?.patients)),
                    ("updated", .optional(s.map { ISO8601.format($0.updated) })),
                ])
            }))]).rendered())
            return .success
        }
        if rows.isEmpty { ctx.out("no panels"); return .success }
        var table = [["PANEL", "STATUS", "UPDATED", "NEXT ATTEMPT", "PATIENTS", "ERROR"]]
        for (panel, s) in rows {
            table.append([panel.label, s?.status.rawValue ?? "-", s.map { ISO8601.format($0.updated) } ?? "-",
                          s.flatMap { $0.status == .queued ? $0.nextAttempt.map(ISO8601.format) : nil } ?? "-",
                          s?.patients.map(String.init) ?? "-", s?.error ?? ""])
        }
        ctx.out(Table.render(table))
        return .success
    }

    static func history(_ ctx: Context) throws -> ExitStatus {
        let store = try ctx.store()
        let panelID = try ctx.args.value("panel").map { try ctx.panel($0).id }
        let subs = try store.submissions(panelID: panelID)
        if ctx.args.has("json") {
            ctx.out(JSON.object([("submissions", .array(subs.map { s in
                .object([
                    ("id", .string(s.id)), ("panel", .string(s.panelLabel)), ("period", .string(s.period.description)),
                    ("status", .string(s.status.rawValue)), ("created", .string(ISO8601.format(s.created))),
                    ("delivered", .optional(s.delivered.map(ISO8601.format))), ("patients", .optional(s.patients)),
                    ("attempts", .int(s.attempts)), ("error", .optional(s.error)), ("tracking_id", .optional(s.trackingID)),
                    ("payload_sha256", .optional(s.payloadSHA256)), ("trigger", .string(s.trigger.rawValue)),
                    ("requested_by", .optional(s.requestedBy)), ("reason", .optional(s.reason)),
                ])
            }))]).rendered())
            return .success
        }
        if subs.isEmpty { ctx.out("no submissions"); return .success }
        var table = [["CREATED", "PANEL", "PERIOD", "STATUS", "ATTEMPTS", "PATIENTS", "DELIVERED", "TRACKING", "ID", "ERROR"]]
        for s in subs {
            table.append([ISO8601.format(s.created), s.panelLabel, s.period.description, s.status.rawValue, String(s.attempts),
                          s.patients.map(String.init) ?? "-", s.delivered.map(ISO8601.format) ?? "-", s.trackingID ?? "-",
                          s.id, s.error ?? ""])
        }
        ctx.out(Table.render(table))
        return .success
    }
}
