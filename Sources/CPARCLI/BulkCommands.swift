import Foundation
import CPARCore
import CPAREMR

/// `bulk assign|move|remove|import`.
enum BulkCommands {
    /// Every active patient whose MRP is the provider joins the panel; confirmation date = last visit (§4).
    /// Patients on another panel move. The MRP itself is not changed.
    static func assign(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let provider = try ctx.args.required("provider")
        let panel = try ctx.panel(try ctx.args.required("panel"))
        let snapshot = try EMRLoader.load(dataDir: config.emrDataDir, asOf: try ctx.asOf())
        var batch: [Membership] = []
        var inactive = 0, noVisit = 0
        for (i, p) in snapshot.patients.enumerated() where p.mrpProviderID == provider && !p.unreadable {
            guard snapshot.patientIndex[p.patientID] == i else { continue }   // a repeated patient_id: first row only
            guard p.isActive else { inactive += 1; continue }
            let lastVisit = snapshot.lastVisit(ofPatientAt: i)
            if lastVisit == nil { noVisit += 1 }
            batch.append(Membership(patientID: p.patientID, panelID: panel.id, confirmationDate: lastVisit))
        }
        let store = try ctx.store()
        let before = try store.memberCounts()[panel.id] ?? 0
        try store.assign(batch)
        let after = try store.memberCounts()[panel.id] ?? 0
        ctx.out("panel \(panel.label): \(batch.count) active patients of \(provider) assigned (\(after - before) new), "
                + "\(inactive) inactive skipped"
                + (noVisit > 0 ? "; \(noVisit) have no visit, so no confirmation date (NO_CONFIRMATION_DATE)" : ""))
        return .success
    }

    static func move(_ ctx: Context) throws -> ExitStatus {
        let from = try ctx.panel(try ctx.args.required("from"))
        let to = try ctx.panel(try ctx.args.required("to"))
        guard from.id != to.id else { throw UsageError("--from and --to name the same panel") }
        let moved = try ctx.store().moveMembers(from: from.id, to: to.id)
        ctx.out("\(moved) patients moved from panel \(from.label) to panel \(to.label)")
        return .success
    }

    static func remove(_ ctx: Context) throws -> ExitStatus {
        let panel = try ctx.panel(try ctx.args.required("panel"))
        let removed = try ctx.store().removeMembers(panelID: panel.id)
        ctx.out("\(removed) patients removed from panel \(panel.label)")
        return .success
    }

    /// `patient_id,panel,confirmation_date` rows (empty date allowed), for EMRs that already record paneling.
    /// Good rows are committed in one transaction; every bad row is reported with its line and skipped.
    static func importCSV(_ ctx: Context) throws -> ExitStatus {
        let path = try ctx.args.required("csv")
        let reader = try CSVReader(path: path)
        let columns = try reader.requireColumns(["patient_id", "panel", "confirmation_date"])
        let store = try ctx.store()
        var panels: [String: Panel?] = [:]
        var batch: [Membership] = []
        var problems: [String] = []
        try reader.forEachRecord { record in
            func bad(_ field: String?, _ why: String) {
                problems.append("\(path):\(record.line): " + (field.map { "field '\($0)': " } ?? "") + why)
            }
            if let problem = record.problem { bad(nil, "\(problem)"); return }
            guard record.fieldCount == reader.header.count else {
                bad(nil, "\(record.fieldCount) fields, the header has \(reader.header.count)")
                return
            }
            let patientID = record.string(columns[0])
            let label = record.string(columns[1])
            let dateText = record.string(columns[2])
            guard !patientID.isEmpty else { bad("patient_id", "empty"); return }
            if panels[label] == nil { panels[label] = .some(try store.findPanel(label)) }
            guard let panel = panels[label] ?? nil else { bad("panel", "no panel '\(label)'"); return }
            var date: CivilDate?
            if !dateText.isEmpty {
                guard let d = CivilDate(iso: dateText) else { bad("confirmation_date", "not a date YYYY-MM-DD"); return }
                date = d
            }
            batch.append(Membership(patientID: patientID, panelID: panel.id, confirmationDate: date))
        }
        try store.assign(batch)
        ctx.out("\(batch.count) patients imported from \(path)" + (problems.isEmpty ? "" : "; \(problems.count) rows skipped"))
        for p in problems { ctx.err(p) }
        return problems.isEmpty ? .success : .problems
    }
}
