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
        let localView = try view(ctx)
        let running = InstanceLock.isHeld(stateDir: config.stateDir)
        for panel in panels {
            switch try engine.request(panel: panel, trigger: scheduled ? .scheduled : .manual, period: period,
                                      requestedBy: requestedBy, reason: try ctx.args.value("reason")) {
            case .accepted(let s):
                accepted += 1
                let now = Int64(Date().timeIntervalSince1970)
                let when = s.nextAttempt.map { $0 <= now ? (running ? "now" : "as soon as cpard runs") : "at " + localView.local($0) + " (" + config.timezone + ")" } ?? "now"
                ctx.out("panel \(panel.label): Queued for \(s.period), goes \(when) (submission \(s.id))")
            case .alreadyActive(let s):
                ctx.out("panel \(panel.label): already \(s.status.rawValue) (submission \(s.id)); nothing to do")
            case .alreadyScheduled(let s):
                ctx.out("panel \(panel.label): the scheduled run for \(s.period) exists already (\(s.status.rawValue)); nothing to do")
            }
        }
        if panels.isEmpty { ctx.out("no CPAR-enabled panels") }
        if accepted > 0 {
            if running {
                Daemon.nudge(stateDir: config.stateDir)
            } else {
                ctx.err("note: cpard is not running on \(config.stateDir), so nothing is sent yet: the request is queued "
                        + "and goes when cpard runs (systemctl start cpard, or cpard --once)")
            }
        }
        return .success
    }

    /// Panel header: number and name, cut to fit.
    static func view(_ ctx: Context) throws -> SubmissionView {
        SubmissionView(timeZone: try SendCalendar(config: ctx.config()).timeZone)
    }

    /// SPEC §13: TELUS CHR's Submissions tab — panel, name, status, created, patients, next attempt, brief error.
    static func status(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let store = try ctx.store()
        let view = try view(ctx)
        let now = Int64(Date().timeIntervalSince1970)
        var rows: [(Panel, Submission?)] = []
        for panel in try store.panels() { rows.append((panel, try store.latestSubmission(panelID: panel.id))) }
        if ctx.args.has("json") {
            ctx.out(JSON.object([("panels", .array(rows.map { panel, s in
                .object([
                    ("panel", .string(panel.label)),
                    ("status", .optional(s?.status.rawValue)),
                    ("error", .optional(s?.error)),
                    ("next_attempt", .optional(s.flatMap { SubmissionView.nextAttempt($0, now: now) }.map(ISO8601.format))),
                    ("patients", .optional(s?.patients)),
                    ("updated", .optional(s.map { ISO8601.format($0.updated) })),
                    ("name", .string(panel.name)),
                    ("created", .optional(s.map { ISO8601.format($0.created) })),
                    ("trigger", .optional(s.map(SubmissionView.trigger))),
                    ("requested_by", .optional(s?.requestedBy)),
                    ("reason", .optional(s?.reason)),
                ])
            }))]).rendered())
            return .success
        }
        if rows.isEmpty { ctx.out("no panels"); return .success }
        var table = [["PANEL", "NAME", "STATUS", "CREATED", "PATIENTS", "NEXT ATTEMPT", "ERROR"]]
        for (panel, s) in rows {
            table.append([panel.label, panel.name, s?.status.rawValue ?? "-", s.map { view.local($0.created) } ?? "-",
                          s.flatMap(SubmissionView.patientsSent).map(String.init) ?? "-",
                          s.flatMap { SubmissionView.nextAttempt($0, now: now) }.map(view.local) ?? "-",
                          s?.status == .failed || s?.status == .queued ? s?.error ?? "" : ""])
        }
        ctx.out(Table.render(table, rightAligned: [4], limits: [0: 10, 1: 24], width: 120))
        // The table's error column is brief; each Failed panel's error once more in full width, with what to do.
        let failed = rows.filter { $0.1?.status == .failed }
        if !failed.isEmpty {
            ctx.out("Failed — fix the cause, then cparctl submit --panel P (cparctl validate --panel P shows patient problems):")
            for (panel, s) in failed { ctx.out(Text.cut("  \(panel.label): \(s?.error ?? "no error recorded")", 120)) }
        }
        ctx.out("Times are local (\(config.timezone)).")
        if rows.contains(where: { $0.1?.status == .queued || $0.1?.status == .pending }),
           !InstanceLock.isHeld(stateDir: config.stateDir) {
            ctx.out("cpard is not running: queued requests go when it runs.")
        }
        return .success
    }

    /// SPEC §13: Juno's Submission History — panel, period, trigger, requested by, created, delivered, patients
    /// (a dash when nothing was posted), attempts, status; the error on its own line below, cut to fit.
    static func history(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let store = try ctx.store()
        let view = try view(ctx)
        let panelID = try ctx.args.value("panel").map { try ctx.panel($0).id }
        let subs = try store.submissions(panelID: panelID)
        let names = Dictionary(try store.panels().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        if ctx.args.has("json") {
            ctx.out(JSON.object([("submissions", .array(subs.map { s in
                .object([
                    ("id", .string(s.id)), ("panel", .string(s.panelLabel)), ("period", .string(s.period.description)),
                    ("status", .string(s.status.rawValue)), ("created", .string(ISO8601.format(s.created))),
                    ("delivered", .optional(s.delivered.map(ISO8601.format))), ("patients", .optional(s.patients)),
                    ("attempts", .int(s.attempts)), ("error", .optional(s.error)), ("tracking_id", .optional(s.trackingID)),
                    ("payload_sha256", .optional(s.payloadSHA256)), ("trigger", .string(SubmissionView.trigger(s))),
                    ("requested_by", .optional(s.requestedBy)), ("reason", .optional(s.reason)),
                    ("name", .optional(names[s.panelID])),
                ])
            }))]).rendered())
            return .success
        }
        if subs.isEmpty { ctx.out("no submissions"); return .success }
        let header = ["PANEL", "PERIOD", "TRIGGER", "REQUESTED BY", "CREATED", "DELIVERED", "PATIENTS", "ATTEMPTS", "STATUS"]
        var table = [header]
        for s in subs {
            table.append([s.panelLabel, s.period.description, SubmissionView.trigger(s), s.requestedBy ?? "-",
                          view.local(s.created), s.delivered.map(view.local) ?? "-",
                          SubmissionView.patientsSent(s).map(String.init) ?? "-", String(s.attempts), s.status.rawValue])
        }
        let rendered = Table.render(table, rightAligned: [6, 7], limits: [0: 10, 3: 16]).split(separator: "\n")
        var lines = [String(rendered[0])]
        for (s, line) in zip(subs, rendered.dropFirst()) {
            lines.append(String(line))
            var notes: [String] = []
            if let error = s.error, s.status != .submitted { notes.append("error: " + error) }
            if let reason = s.reason, reason != SubmissionView.requeueReason { notes.append("reason: " + reason) }
            for note in notes { lines.append(Text.cut("    " + note, 120)) }
        }
        ctx.out(lines.joined(separator: "\n"))
        ctx.out("Times are local (\(config.timezone)). PATIENTS is a dash when nothing was posted.")
        return .success
    }
}
