import CPARCore
import CPARStore

/// `worklist [--panel P] [--all] [--json]` and `worklist resolve ID --outcome kept|removed|corrected|other
/// [--note TEXT]` (SPEC §14): the conflict and mismatch items from CPAR reports, by patient ID, panel and code.
enum WorklistCommands {
    static func list(_ ctx: Context) throws -> ExitStatus {
        let store = try ctx.store()
        let panel = try ctx.args.value("panel").map { try ctx.panel($0) }
        let items = try store.worklistItems(panelID: panel?.id, includeClosed: ctx.args.has("all"))
        let today = try ctx.today()
        if ctx.args.has("json") {
            ctx.out(JSON.object([("items", .array(items.map(json)))]).rendered())
            return .success
        }
        if items.isEmpty {
            ctx.out(ctx.args.has("all") ? "the worklist is empty" : "no open worklist items")
            return .success
        }
        var table = [["ID", "KIND", "PATIENT", "PANEL", "AGE", "CODES", "OTHER PANEL/PROVIDER"]
                     + (ctx.args.has("all") ? ["STATUS"] : [])]
        for item in items {
            let other = [item.otherPanel, item.otherProvider].compactMap { $0 }.joined(separator: " / ")
            table.append([String(item.id), item.kind.rawValue, item.patientID, item.panelLabel ?? "-",
                          "\(item.ageInDays(on: today))d", item.codes.map(\.rawValue).joined(separator: " "),
                          other.isEmpty ? "-" : other]
                         + (ctx.args.has("all") ? [item.outcome.map { "closed: \($0.rawValue)" } ?? "open"] : []))
        }
        // Within 120 columns (SPEC §13's rule for every table): long IDs and labels are cut with …; `--json` has all.
        ctx.out(Table.render(table, limits: [2: 12, 3: 16, 5: 52, 6: 20], width: 120))
        let codes = Set(items.filter(\.isOpen).flatMap(\.codes)).sorted()
        if !codes.isEmpty {
            ctx.out("")
            for code in codes { ctx.out("\(code.rawValue): \(code.meaning)") }
            ctx.out("close an item with: cparctl worklist resolve ID --outcome kept|removed|corrected|other [--note TEXT]")
        }
        return .success
    }

    static func json(_ item: WorklistItem) -> JSON {
        .object([
            ("id", .int(Int(item.id))),
            ("kind", .string(item.kind.rawValue)),
            ("patient_id", .string(item.patientID)),
            ("panel", .optional(item.panelLabel)),
            ("codes", .array(item.codes.map { .string($0.rawValue) })),
            ("other_panel", .optional(item.otherPanel)),
            ("other_provider", .optional(item.otherProvider)),
            ("report_date", .string(item.reportDate.description)),
            ("opened", .string(item.opened.description)),
            ("status", .string(item.isOpen ? "open" : "closed")),
            ("outcome", .optional(item.outcome?.rawValue)),
            ("closed", .optional(item.closed?.description)),
        ])
    }

    static func resolve(_ ctx: Context) throws -> ExitStatus {
        guard let id = Int64(ctx.args.positionals[0]), id > 0 else {
            throw UsageError("ID must be a worklist item number (see cparctl worklist)")
        }
        let outcomes: [WorklistOutcome] = [.kept, .removed, .corrected, .other]
        guard let outcome = WorklistOutcome(rawValue: try ctx.args.required("outcome")), outcomes.contains(outcome) else {
            throw UsageError("--outcome must be kept, removed, corrected or other")
        }
        // The note is the administrator's own text; scrubbed like any free text before it is stored.
        let note = try ctx.args.value("note").map(Redaction.scrub)
        switch try ctx.store().resolveWorklistItem(id: id, outcome: outcome, note: note, on: ctx.today(),
                                                    user: Context.invokingUser) {
        case .notFound:
            throw CommandFailure("no worklist item \(id)")
        case .alreadyClosed(let item):
            throw CommandFailure("worklist item \(id) is already closed (\(item.outcome?.rawValue ?? "")"
                                 + (item.closed.map { " on \($0)" } ?? "") + ")")
        case .resolved(let item, let removedFrom):
            ctx.out("worklist item \(id) (\(item.kind.rawValue), patient \(item.patientID)) closed: \(outcome.rawValue)")
            if outcome == .removed {
                ctx.out(removedFrom.map { "patient \(item.patientID) taken off panel \($0)" }
                        ?? "patient \(item.patientID) was on no panel")
            }
            return .success
        }
    }
}
