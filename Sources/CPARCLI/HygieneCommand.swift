import Foundation
import CPARCore
import CPARService
import CPARStore

/// `hygiene [--panel P] [--as-of DATE] [--json]` (SPEC §14): the figures of `HygieneFigures`, in words or JSON.
enum HygieneCommand {
    static func run(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let store = try ctx.store()
        let panels = try ReportCommands.selectedPanels(ctx)
        let source = try ExtractSource.load(config: config, store: store, asOf: ctx.asOf())
        let rows = try HygieneFigures.compute(config: config, store: store, source: source, panels: panels)
        if ctx.args.has("json") {
            ctx.out(JSON.object([
                ("as_of", .string(source.asOf.description)),
                ("panels", .array(rows.map { json($0.panel, $0.hygiene) })),
            ]).rendered())
            return .success
        }
        ctx.out("panel hygiene as of \(source.asOf) (confirmations older than \(config.hygieneConfirmationMaxAge) "
                + "are stale; not seen = last visit older than \(config.hygieneVisitMaxAge))")
        if rows.isEmpty { ctx.out("no CPAR-enabled panels") }
        for (panel, h) in rows {
            ctx.out("")
            ctx.out("panel \(panel.label) \(panel.name): \(h.members) members, \(h.valid) valid")
            ctx.out("  confirmation rate       \(percent(h.confirmationRate)) (\(h.confirmedRecently) confirmed within "
                    + "\(config.hygieneConfirmationMaxAge))")
            ctx.out("  stale confirmations     \(h.staleConfirmations) — re-confirm with the patient at the next visit")
            ctx.out("  no confirmation date    \(h.noConfirmation) — confirm with `cparctl patient confirm`")
            ctx.out("  not seen                \(h.notSeen) — no visit within \(config.hygieneVisitMaxAge): "
                    + "contact them, or take them off the panel")
            ctx.out("  never seen              \(h.neverSeen) — no completed visit at all")
            ctx.out("  open worklist items     \(h.openConflicts) conflict, \(h.openMismatches) mismatch "
                    + "(cparctl worklist --panel \(panel.label))")
            if let last = h.lastSubmitted, let change = h.changeSinceSubmitted {
                ctx.out("  last Submitted          \(last.date), \(last.patients) patients; "
                        + "\(change >= 0 ? "+" : "")\(change) valid patients since")
            } else {
                ctx.out("  last Submitted          never")
            }
        }
        return .success
    }

    static func json(_ panel: Panel, _ h: PanelHygiene) -> JSON {
        .object([
            ("panel", .string(panel.label)),
            ("members", .int(h.members)),
            ("valid", .int(h.valid)),
            ("confirmation_rate", .fraction(h.confirmationRate)),
            ("stale_confirmations", .int(h.staleConfirmations)),
            ("no_confirmation", .int(h.noConfirmation)),
            ("not_seen", .int(h.notSeen)),
            ("never_seen", .int(h.neverSeen)),
            ("open_items", .object([("conflict", .int(h.openConflicts)), ("mismatch", .int(h.openMismatches))])),
            ("last_submitted", h.lastSubmitted.map {
                .object([("date", .string($0.date.description)), ("patients", .int($0.patients))])
            } ?? .null),
            ("change_since_submitted", .optional(h.changeSinceSubmitted)),
        ])
    }

    static func percent(_ rate: Double) -> String { "\(Int((rate * 100).rounded()))%" }
}
