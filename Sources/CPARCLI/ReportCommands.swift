import Foundation
import CPARCore
import CPARSystem
import CPARService

/// `validate` and `export`.
enum ReportCommands {
    /// Input problems listed in full before the rest are only counted.
    static let issueListLimit = 200

    static func validate(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let store = try ctx.store()
        let panels = try selectedPanels(ctx)
        let asOf = try ctx.asOf()
        let json = ctx.args.has("json")
        let source: ExtractSource
        do {
            source = try ExtractSource.load(config: config, store: store, asOf: asOf)
        } catch {
            // A file-level error (a missing column, an unreadable file): the JSON still comes, carrying the error.
            if json {
                ctx.out(JSON.object([("as_of", .string(asOf.description)), ("error", .string("\(error)")),
                                     ("panels", .array([]))]).rendered())
            }
            throw error
        }
        var reports = try source.forEach(panels, policy: config.validation) { PanelReport($0) }.map { try $0.get() }
        let duplicated = Set(reports.flatMap { $0.excluded.filter { $0.reasons.contains(.duplicatePHN) }.map(\.patientID) })
        if !duplicated.isEmpty {
            let partners = DuplicatePartners(source: source, panels: try store.panels(), patientIDs: duplicated)
            for i in reports.indices {
                for f in reports[i].excluded where f.reasons.contains(.duplicatePHN) {
                    reports[i].duplicateOf[f.patientID] = partners.of(f.patientID)
                }
            }
        }
        let issues = source.snapshot.issues
        let summary = InputProblemSummary(issues: issues, total: source.snapshot.issueCount)
        if json {
            ctx.out(JSON.object([
                ("as_of", .string(source.asOf.description)),
                ("panels", .array(reports.map(\.json))),
                ("input_problem_count", .int(source.snapshot.issueCount)),
                ("input_problem_groups", summary.json),
                ("input_problems", .array(issues.prefix(issueListLimit).map(PanelReport.issueJSON))),
            ]).rendered())
        } else {
            let policy = config.validation.invalidPatients == .exclude
                ? "excluded patients are left out and the rest is sent"
                : "any excluded patient stops the whole panel (validation.invalid_patients = fail)"
            ctx.out("Validation as of \(source.asOf): \(policy).")
            if reports.isEmpty { ctx.out("No CPAR-enabled panels.") }
            for r in reports { ctx.out(""); ctx.out(r.text) }
            if source.snapshot.issueCount > 0 { ctx.out(""); ctx.out(summary.text) }
        }
        return reports.contains(where: \.hasProblems) ? .problems : .success
    }

    /// `--panel P`, else every CPAR-enabled panel.
    static func selectedPanels(_ ctx: Context) throws -> [Panel] {
        if let label = try ctx.args.value("panel") { return [try ctx.panel(label)] }
        return try ctx.store().panels().filter(\.cparEnabled)
    }

    static func export(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let panel = try ctx.panel(try ctx.args.required("panel"))
        let path = try ctx.args.required("csv")
        let source = try ExtractSource.load(config: config, store: ctx.store(), asOf: ctx.asOf())
        let extract = source.extract(panel, policy: config.validation)
        var reasons: [String: [ReasonCode]] = [:]
        for f in extract.excluded { reasons[f.patientID] = f.reasons }
        // Patient data: 0600, whole or absent (no temporary copy left behind on any error).
        var csv = CSVRow.line(["patient_id", "panel", "phn", "family_name", "given_name", "dob", "gender", "status",
                    "mrp_provider_id", "last_visit", "confirmation_date", "valid", "reasons"])
        for member in source.members(of: panel).sorted(by: { $0.membership.patientID < $1.membership.patientID }) {
            let p = member.patient
            let why = reasons[member.membership.patientID] ?? []
            csv += CSVRow.line([member.membership.patientID, panel.label, p?.phn ?? "", p?.familyName ?? "", p?.givenName ?? "",
                        p?.dob?.description ?? "", p?.gender?.rawValue ?? "", p.map { $0.isActive ? "active" : "inactive" } ?? "",
                        p?.mrpProviderID ?? "", member.lastVisit?.description ?? "",
                        member.membership.confirmationDate?.description ?? "", why.isEmpty ? "yes" : "no",
                        why.map(\.rawValue).joined(separator: " ")])
        }
        try DurableFile.write(csv, to: path, mode: 0o600)
        let count = source.memberCount(of: panel)
        ctx.out("exported \(count) patients of panel \(panel.label) to \(path) (\(extract.patients.count) valid, \(extract.excluded.count) excluded)")
        return .success
    }
}
