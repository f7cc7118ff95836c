import Foundation
import CPARCore
import CPARService

/// `panel add|edit|delete|list|show`.
enum PanelCommands {
    static func synopsis(_ head: String) -> String {
        "\(head) --name NAME [--number NUM] [--cpar | --no-cpar] --facility ID [--facility ID …] "
            + "--practitioner PROVIDER_ID [--practitioner …] [--notify ADDRESS | --no-notify]"
    }

    static func spec(positional: Bool) -> OptionSpec {
        OptionSpec(values: ["name", "number", "facility", "practitioner", "notify"],
                   flags: ["cpar", "no-cpar", "no-notify", "no-number"], positionals: positional ? 1...1 : 0...0)
    }

    static func add(_ ctx: Context) throws -> ExitStatus {
        var panel = Panel(name: try ctx.args.required("name"))
        try apply(ctx.args, to: &panel)
        let saved = try ctx.store().insertPanel(panel)
        ctx.out("panel \(saved.label) added")
        warnProblems(saved, ctx)
        return .success
    }

    static func edit(_ ctx: Context) throws -> ExitStatus {
        let given = ["name", "number", "facility", "practitioner", "notify"].contains { !ctx.args.all($0).isEmpty }
            || ["cpar", "no-cpar", "no-notify", "no-number"].contains { ctx.args.has($0) }
        guard given else {
            throw UsageError("panel edit needs at least one option to change (--name, --number, --cpar, --facility, …)")
        }
        var panel = try ctx.panel(ctx.args.positionals[0])
        if let name = try ctx.args.value("name") { panel.name = name }
        try apply(ctx.args, to: &panel)
        try ctx.store().updatePanel(panel)
        ctx.out("panel \(panel.label) updated")
        warnProblems(panel, ctx)
        return .success
    }

    /// Applies the options common to add and edit. Values are stored as given; `validate` reports panel problems.
    static func apply(_ args: Arguments, to panel: inout Panel) throws {
        guard !panel.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw UsageError("--name must not be empty") }
        if args.has("cpar") && args.has("no-cpar") { throw UsageError("--cpar and --no-cpar exclude each other") }
        if args.has("notify") && args.has("no-notify") { throw UsageError("--notify and --no-notify exclude each other") }
        if let number = try args.value("number") { panel.number = number.isEmpty ? nil : number }
        if args.has("no-number") { panel.number = nil }
        if args.has("cpar") { panel.cparEnabled = true }
        if args.has("no-cpar") { panel.cparEnabled = false }
        if !args.all("facility").isEmpty { panel.facilityIDs = args.all("facility") }
        if !args.all("practitioner").isEmpty { panel.practitionerIDs = args.all("practitioner") }
        if let notify = try args.value("notify") {
            guard notify.isEmpty || isAddress(notify) else { throw UsageError("--notify must be an address like name@example.org") }
            panel.notify = notify.isEmpty ? nil : notify
        }
        if args.has("no-notify") { panel.notify = nil }
    }

    static func isAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !s.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "<" || $0 == ">" })
    }

    /// Panel settings problems (those that need no EMR data), shown on add and edit.
    static func warnProblems(_ panel: Panel, _ ctx: Context) {
        var problems: [String] = []
        if panel.name.count > 255 { problems.append(PanelProblem.panelNameTooLong.rawValue) }
        if let n = panel.number, !(1...10).contains(n.count) || !n.allSatisfy({ $0.isASCII && $0.isNumber }) {
            problems.append(PanelProblem.invalidPanelNumber.rawValue)
        } else if panel.number == nil && panel.cparEnabled {
            problems.append(PanelProblem.invalidPanelNumber.rawValue)
        }
        if panel.facilityIDs.isEmpty { problems.append(PanelProblem.noFacility.rawValue) }
        if panel.facilityIDs.contains(where: { !FacilityID.isValid($0) }) { problems.append(PanelProblem.invalidFacilityID.rawValue) }
        if panel.practitionerIDs.isEmpty { problems.append(PanelProblem.noPractitioner.rawValue) }
        if !problems.isEmpty {
            ctx.err("warning: panel \(panel.label) cannot be submitted until fixed: \(problems.joined(separator: ", "))")
        }
    }

    static func delete(_ ctx: Context) throws -> ExitStatus {
        let panel = try ctx.panel(ctx.args.positionals[0])
        try ctx.store().deletePanel(id: panel.id)
        ctx.out("panel \(panel.label) deleted")
        return .success
    }

    static func list(_ ctx: Context) throws -> ExitStatus {
        let store = try ctx.store()
        let panels = try store.panels()
        let counts = try store.memberCounts()
        if ctx.args.has("json") {
            ctx.out(JSON.object([("panels", .array(panels.map { json($0, patients: counts[$0.id] ?? 0) }))]).rendered())
            return .success
        }
        if panels.isEmpty { ctx.out("no panels"); return .success }
        var rows = [["PANEL", "NAME", "CPAR", "PATIENTS", "FACILITIES", "PRACTITIONERS", "NOTIFY"]]
        for p in panels {
            rows.append([p.label, p.name, p.cparEnabled ? "yes" : "no", String(counts[p.id] ?? 0),
                         p.facilityIDs.joined(separator: ","), p.practitionerIDs.joined(separator: ","), p.notify ?? "-"])
        }
        ctx.out(Table.render(rows, rightAligned: [3], limits: [0: 12, 1: 30, 4: 16, 5: 16, 6: 24]))
        return .success
    }

    static func show(_ ctx: Context) throws -> ExitStatus {
        let panel = try ctx.panel(ctx.args.positionals[0])
        let store = try ctx.store()
        let count = try store.memberCount(panelID: panel.id)
        // The panel's problems as the extract sees them (settings, site, providers.csv, valid patients); when the
        // export cannot be read, the settings alone, and why.
        var problems: [PanelProblem]
        var note: String?
        do {
            let config = try ctx.config()
            let source = try ExtractSource.load(config: config, store: store, asOf: ctx.today())
            problems = source.extract(panel, policy: config.validation).problems
        } catch {
            problems = settingsProblems(panel, site: try store.site())
            note = "the EMR export could not be read (\(error)); only the panel's own settings were checked"
        }
        if !panel.cparEnabled { problems.removeAll { $0 == .noValidPatients || $0 == .invalidPatients } }
        if ctx.args.has("json") {
            var object = json(panel, patients: count)
            if case .object(var pairs) = object {
                pairs.append(("problems", .array(problems.map { .string($0.rawValue) })))
                object = .object(pairs)
            }
            ctx.out(object.rendered())
            return .success
        }
        var lines = [
            "panel:         \(panel.label)",
            "name:          \(panel.name)",
            "number:        \(panel.number ?? "-")",
            "CPAR enabled:  \(panel.cparEnabled ? "yes" : "no")",
            "facilities:    \(panel.facilityIDs.map { FacilityID.normalized($0) }.joined(separator: ", "))",
            "practitioners: \(panel.practitionerIDs.joined(separator: ", "))",
            "notify:        \(panel.notify ?? "-")",
            "patients:      \(count)",
        ]
        if problems.isEmpty {
            lines.append("problems:      none")
        } else {
            lines.append("problems:      \(problems.count) — nothing is sent until they are fixed")
            for p in problems { lines.append("  \(p.rawValue): \(ReasonText.words(p))") }
        }
        if let note { lines.append("note: " + note) }
        ctx.out(lines.joined(separator: "\n"))
        return .success
    }

    /// The problems of the panel's own settings and the site (no EMR data needed).
    static func settingsProblems(_ panel: Panel, site: Site?) -> [PanelProblem] {
        PanelValidator.panelProblems(panel: panel, site: site, providers: [:], validCount: 1, excludedCount: 0,
                                     policy: ValidationPolicy())
            .filter { $0 != .practitionerWithoutID }
    }

    static func json(_ p: Panel, patients: Int) -> JSON {
        .object([("panel", .string(p.label)), ("name", .string(p.name)), ("number", .optional(p.number)),
                 ("cpar", .bool(p.cparEnabled)), ("facilities", .array(p.facilityIDs.map { .string($0) })),
                 ("practitioners", .array(p.practitionerIDs.map { .string($0) })), ("notify", .optional(p.notify)),
                 ("patients", .int(patients))])
    }
}
