import Foundation
import CPARCore
import CPARService
import CPARStore

/// `audit [--panel P] [--patient ID] [--since DATE] [--json]` (SPEC §14): the membership audit trail, oldest first.
enum AuditCommand {
    static func run(_ ctx: Context) throws -> ExitStatus {
        let store = try ctx.store()
        let panel = try ctx.args.value("panel").map { try ctx.panel($0) }
        var since: Int64?
        if let text = try ctx.args.value("since") {
            guard let d = CivilDate(iso: text) else { throw UsageError("--since must be a date YYYY-MM-DD") }
            // The start of that day in schedule.timezone.
            since = Int64(try SendCalendar(config: ctx.config()).instant(d, minutes: 0).timeIntervalSince1970)
        }
        let entries = try store.auditEntries(panelID: panel?.id, patientID: ctx.args.value("patient"), since: since)
        if ctx.args.has("json") {
            ctx.out(JSON.object([("entries", .array(entries.map(json)))]).rendered())
            return .success
        }
        if entries.isEmpty {
            ctx.out("no membership changes recorded" + (panel != nil || since != nil ? " for this selection" : ""))
            return .success
        }
        var table = [["TIME", "USER", "COMMAND", "PATIENT", "PANEL", "CONFIRMATION"]]
        for e in entries {
            table.append([Timestamp.iso8601(e.time), e.user, e.command, e.patientID,
                          "\(e.panelBefore ?? "-") → \(e.panelAfter ?? "-")",
                          "\(e.confirmationBefore?.description ?? "-") → \(e.confirmationAfter?.description ?? "-")"])
        }
        ctx.out(Table.render(table, limits: [1: 16, 2: 16, 3: 12, 4: 23], width: 120))
        return .success
    }

    /// One entry as `audit --json` (and `patient show --json`'s history) prints it.
    static func json(_ e: AuditEntry) -> JSON {
        .object([
            ("time", .string(Timestamp.iso8601(e.time))),
            ("user", .string(e.user)),
            ("command", .string(e.command)),
            ("patient_id", .string(e.patientID)),
            ("panel_before", .optional(e.panelBefore)),
            ("panel_after", .optional(e.panelAfter)),
            ("confirmation_before", .optional(e.confirmationBefore?.description)),
            ("confirmation_after", .optional(e.confirmationAfter?.description)),
        ])
    }
}
