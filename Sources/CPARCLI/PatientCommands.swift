import CPARCore
import CPAREMR
import CPARService
import CPARStore

/// `patient assign|remove|confirm|show`.
enum PatientCommands {
    /// Refuses a patient ID absent from patients.csv (SPEC §4): a typo must not become an `UNKNOWN_PATIENT` later.
    static func assign(_ ctx: Context) throws -> ExitStatus {
        let patientID = ctx.args.positionals[0]
        let panel = try ctx.panel(try ctx.args.required("panel"))
        let config = try ctx.config()
        let snapshot = try EMRLoader.load(dataDir: config.emrDataDir, asOf: try ctx.today())
        guard snapshot.patient(patientID) != nil else {
            var message = "patient \(patientID) is not in \(EMRFiles.patients) of the EMR export (\(config.emrDataDir)); "
                + "nothing changed"
            if let near = suggestion(for: patientID, in: snapshot) { message += " — did you mean \(near)?" }
            throw CommandFailure(message)
        }
        let store = try ctx.store()
        let previous = try store.membership(patientID: patientID)
        let today = try ctx.today()
        try store.assign(patientID: patientID, panelID: panel.id, confirmationDate: today)
        if let previous, previous.panelID != panel.id, let old = try store.panel(id: previous.panelID) {
            ctx.out("patient \(patientID) moved from panel \(old.label) to panel \(panel.label), confirmed \(today)")
        } else {
            ctx.out("patient \(patientID) assigned to panel \(panel.label), confirmed \(today)")
        }
        return .success
    }

    /// The same ID in another case, or with leading zeros lost or added (the usual typing slips).
    static func suggestion(for id: String, in snapshot: EMRSnapshot) -> String? {
        for candidate in [id.uppercased(), id.lowercased()] where candidate != id && snapshot.patient(candidate) != nil {
            return candidate
        }
        return nil
    }

    static func remove(_ ctx: Context) throws -> ExitStatus {
        let patientID = ctx.args.positionals[0]
        guard try ctx.store().removeMembership(patientID: patientID) else {
            ctx.err("patient \(patientID) is on no panel")
            return .problems
        }
        ctx.out("patient \(patientID) removed from its panel")
        return .success
    }

    static func confirm(_ ctx: Context) throws -> ExitStatus {
        let patientID = ctx.args.positionals[0]
        let today = try ctx.today()
        guard try ctx.store().confirm(patientID: patientID, date: today) else {
            ctx.err("patient \(patientID) is on no panel")
            return .problems
        }
        ctx.out("patient \(patientID) confirmed \(today)")
        return .success
    }

    /// SPEC §13: the panel, confirmation date, last visit, validity in words, open worklist items, history.
    /// By patient ID only: no PHN, name or birth date.
    static func show(_ ctx: Context) throws -> ExitStatus {
        let patientID = ctx.args.positionals[0]
        let config = try ctx.config()
        let store = try ctx.store()
        let source = try ExtractSource.load(config: config, store: store, asOf: ctx.asOf())
        let membership = try store.membership(patientID: patientID)
        let record = source.snapshot.patient(patientID)
        guard membership != nil || record != nil else {
            throw CommandFailure("patient \(patientID) is neither in \(EMRFiles.patients) nor on any panel")
        }
        let panel = try membership.flatMap { try store.panel(id: $0.panelID) }
        var reasons: [ReasonCode] = []
        var warnings: [ReasonCode] = []
        var duplicates: [String] = []
        var panelProblems: [PanelProblem] = []
        if let panel {
            let extract = source.extract(panel, policy: config.validation)
            panelProblems = extract.problems
            reasons = extract.excluded.first { $0.patientID == patientID }?.reasons ?? []
            warnings = extract.warnings.first { $0.patientID == patientID }?.reasons ?? []
            if reasons.contains(.duplicatePHN) {
                duplicates = DuplicatePartners(source: source, panels: try store.panels(), patientIDs: [patientID])
                    .of(patientID)
            }
        }
        let lastVisit = source.snapshot.lastVisit(ofPatient: patientID)
        let activity = try PatientActivity.load(store: store, patientID: patientID)
        if ctx.args.has("json") {
            ctx.out(JSON.object([
                ("patient_id", .string(patientID)),
                ("panel", .optional(panel?.label)),
                ("panel_name", .optional(panel?.name)),
                ("confirmation_date", .optional(membership?.confirmationDate?.description)),
                ("last_visit", .optional(lastVisit?.description)),
                ("valid", panel == nil ? .null : .bool(reasons.isEmpty)),
                ("reasons", .array(reasons.map { .string($0.rawValue) })),
                ("open_items", .array(activity.openItems.map(\.json))),
                ("history", .array(activity.history.map(\.json))),
            ]).rendered())
            return .success
        }
        var lines = ["patient \(patientID)" + (record == nil ? " (not in the EMR export)" : "")]
        func field(_ name: String, _ value: String) { lines.append("  " + (name + ":").padding(toLength: 19, withPad: " ", startingAt: 0) + value) }
        field("panel", panel.map { "\($0.label) (\(Text.cut($0.name, 60)))" } ?? "none")
        field("confirmed", membership?.confirmationDate?.description ?? (membership == nil ? "-" : "no confirmation date"))
        field("last visit", lastVisit?.description ?? "no completed visit on or before \(source.asOf)")
        if panel == nil {
            field("CPAR", "not on a panel, so not sent")
        } else if reasons.isEmpty {
            field("CPAR", "valid" + (panelProblems.isEmpty ? ": sent with the panel" : "") + (warnings.isEmpty ? "" : " (warning: "
                + warnings.map(ReasonText.words).joined(separator: "; ") + ")"))
        } else {
            field("CPAR", "excluded, not sent:")
            for code in reasons {
                var meaning = ReasonText.meaning(code, asOf: source.asOf)
                if code == .duplicatePHN && !duplicates.isEmpty { meaning += " (\(duplicates.joined(separator: ", ")))" }
                lines.append("    \(code.rawValue): \(meaning) — \(ReasonText.fix(code))")
            }
        }
        if !panelProblems.isEmpty {
            lines.append("  but the panel cannot be sent until fixed:")
            for p in panelProblems { lines.append("    \(p.rawValue): \(ReasonText.words(p))") }
        }
        field("open items", activity.openItems.isEmpty ? "none" : "")
        for item in activity.openItems { lines.append("    " + item.text) }
        field("history", activity.history.isEmpty ? "no recorded changes" : "")
        for entry in activity.history { lines.append("    " + entry.text) }
        ctx.out(lines.map(\.trimmingTrailingSpaces).joined(separator: "\n"))
        return .success
    }
}
