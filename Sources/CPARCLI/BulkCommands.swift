import Foundation
import CPARCore
import CPAREMR
import CPARStore

/// `bulk assign|move|remove|import`.
enum BulkCommands {
    /// Every active patient whose MRP is the provider joins the panel; confirmation date = last visit (§4). A patient
    /// already on the panel keeps its date; one on another panel stays there unless `--move`. The MRP is not changed.
    static func assign(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let provider = try ctx.args.required("provider")
        let panel = try ctx.panel(try ctx.args.required("panel"))
        let dryRun = ctx.args.has("dry-run")
        let snapshot = try EMRLoader.load(dataDir: config.emrDataDir, asOf: try ctx.asOf())
        var candidates: [(patientID: String, confirmationDate: CivilDate?)] = []
        var inactive = 0, noVisit = 0
        for (i, p) in snapshot.patients.enumerated() where p.mrpProviderID == provider && !p.unreadable {
            guard snapshot.patientIndex[p.patientID] == i else { continue }   // a repeated patient_id: first row only
            guard p.isActive else { inactive += 1; continue }
            let lastVisit = snapshot.lastVisit(ofPatientAt: i)
            candidates.append((p.patientID, lastVisit))
        }
        let store = try ctx.store()
        let outcome = try store.bulkAssign(candidates, panelID: panel.id, move: ctx.args.has("move"), dryRun: dryRun)
        noVisit = outcome.changes.filter { $0.confirmationAfter == nil }.count
        let names = try panelNames(store)
        let verb = dryRun ? "would " : ""
        ctx.out((dryRun ? "dry run, nothing changed: " : "") + "bulk assign of the active patients of \(provider) "
                + "to panel \(names.describe(panel.id))")
        var rows: [[String]] = [["joined (were on no panel)", String(outcome.joined)]]
        let moved = outcome.moved
        if moved.isEmpty {
            rows.append(["moved from another panel", "0"])
        } else {
            for (id, n) in moved.sorted(by: { $0.key < $1.key }) {
                rows.append(["moved from panel \(names.describe(id))", String(n)])
            }
        }
        rows.append(["already on this panel (confirmation kept)", String(outcome.alreadyOnPanel)])
        rows.append(["skipped: inactive in the EMR", String(inactive)])
        let left = outcome.leftOnOtherPanels.values.reduce(0, +)
        rows.append(["skipped: on another panel", String(left)])
        for (id, n) in outcome.leftOnOtherPanels.sorted(by: { $0.key < $1.key }) {
            rows.append(["  on panel \(names.describe(id))", String(n)])
        }
        ctx.out(Table.render(rows.map { ["  " + $0[0], $0[1]] }, rightAligned: [1]))
        if left > 0 { ctx.out("patients on another panel were left there; add --move to move them to this panel") }
        if noVisit > 0 {
            ctx.out("\(noVisit) \(verb)join without a visit, so without a confirmation date (NO_CONFIRMATION_DATE)")
        }
        return .success
    }

    /// Panel ids to "NUMBER (Name)" for messages, deleted panels included as their id.
    struct PanelNames {
        var byID: [Int64: Panel]
        func describe(_ id: Int64) -> String {
            guard let p = byID[id] else { return "#\(id)" }
            return p.number.map { "\($0) (\(Text.cut(p.name, 40)))" } ?? Text.cut(p.name, 40)
        }
    }

    static func panelNames(_ store: StateStore) throws -> PanelNames {
        PanelNames(byID: Dictionary(uniqueKeysWithValues: try store.panels().map { ($0.id, $0) }))
    }

    static func move(_ ctx: Context) throws -> ExitStatus {
        let from = try ctx.panel(try ctx.args.required("from"))
        let to = try ctx.panel(try ctx.args.required("to"))
        guard from.id != to.id else { throw UsageError("--from and --to name the same panel") }
        let dryRun = ctx.args.has("dry-run")
        let moved = try ctx.store().moveMembers(from: from.id, to: to.id, dryRun: dryRun)
        ctx.out(dryRun ? "dry run, nothing changed: \(moved) patients would move from panel \(from.label) to panel \(to.label)"
                       : "\(moved) patients moved from panel \(from.label) to panel \(to.label)")
        return .success
    }

    static func remove(_ ctx: Context) throws -> ExitStatus {
        let panel = try ctx.panel(try ctx.args.required("panel"))
        let dryRun = ctx.args.has("dry-run")
        let removed = try ctx.store().removeMembers(panelID: panel.id, dryRun: dryRun)
        ctx.out(dryRun ? "dry run, nothing changed: \(removed) patients would be removed from panel \(panel.label)"
                       : "\(removed) patients removed from panel \(panel.label)")
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
        if ctx.args.has("dry-run") {
            var current: [String: Int64] = [:]
            for m in try store.memberships() { current[m.patientID] = m.panelID }
            var new = 0, moved = 0, updated = 0
            for m in batch {
                switch current[m.patientID] {
                case nil: new += 1
                case m.panelID: updated += 1
                default: moved += 1
                }
                current[m.patientID] = m.panelID
            }
            ctx.out("dry run, nothing changed: \(batch.count) rows of \(path) would be imported (\(new) join a panel, "
                    + "\(moved) move to another panel, \(updated) stay on their panel with the file's confirmation date)"
                    + (problems.isEmpty ? "" : "; \(problems.count) rows would be skipped"))
        } else {
            try store.assign(batch)
            ctx.out("\(batch.count) patients imported from \(path)" + (problems.isEmpty ? "" : "; \(problems.count) rows skipped"))
        }
        for p in problems { ctx.err(p) }
        return problems.isEmpty ? .success : .problems
    }
}
