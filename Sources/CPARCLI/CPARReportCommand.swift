import CPARCore
import CPAREMR
import CPARStore

/// `cpar-report import --kind conflict|mismatch --csv FILE [--date YYYY-MM-DD] [--map FIELD=HEADER …]` (SPEC §14):
/// reads a CPAR portal report with the project's CSV reader, matches its rows to paneled patients by normalised PHN,
/// and records worklist items in one transaction. The file is PHI: it is read in place, never copied, and no value
/// from it is printed, logged or stored — only line numbers, counts, codes and the other panel/provider identifiers.
enum CPARReportCommand {
    /// Line numbers listed in full before the rest are only counted.
    static let lineListLimit = 20

    /// A paneled patient as the matcher sees it.
    struct Candidate {
        let index: Int
        let panelID: Int64
    }

    static func importReport(_ ctx: Context) throws -> ExitStatus {
        guard let kind = CPARReportKind(rawValue: try ctx.args.required("kind")) else {
            throw UsageError("--kind must be conflict or mismatch")
        }
        let path = try ctx.args.required("csv")
        let date: CivilDate
        if let text = try ctx.args.value("date") {
            guard let d = CivilDate(iso: text) else { throw UsageError("--date must be a date YYYY-MM-DD") }
            date = d
        } else {
            date = try ctx.today()
        }
        let overrides: [CPARReportField: String]
        do { overrides = try CPARReportHeader.parseMaps(ctx.args.all("map"), kind: kind) } catch {
            throw UsageError("\(error)")
        }
        let config = try ctx.config()
        let store = try ctx.store()

        let reader: CSVReader
        let columns: [CPARReportField: Int]
        do {
            reader = try CSVReader(path: path)
            columns = try CPARReportHeader.columns(reader.header, kind: kind, file: path, overrides: overrides)
        } catch let e as EMRError {
            throw CommandFailure("cannot read the \(kind.rawValue) report: \(e)")
        } catch {
            throw CommandFailure("\(error)")
        }

        // Paneled patients by normalised PHN (and, for mismatch reports, by name and birth date).
        let snapshot = try EMRLoader.load(dataDir: config.emrDataDir, asOf: date)
        var byPHN: [String: [Candidate]] = [:]
        var byDemographics: [String: [Candidate]] = [:]
        var panelNumbers: [Int64: String] = [:]
        for p in try store.panels() { panelNumbers[p.id] = p.number ?? p.name }
        for m in try store.memberships() {
            guard let i = snapshot.patientIndex[m.patientID] else { continue }
            let record = snapshot.patients[i]
            let c = Candidate(index: i, panelID: m.panelID)
            let phn = PHN.normalize(record.phn)
            if !phn.isEmpty { byPHN[phn, default: []].append(c) }
            if kind == .mismatch, let key = demographicKey(record.familyName, record.givenName, record.dob) {
                byDemographics[key, default: []].append(c)
            }
        }

        var rows = 0
        var unmatched: [Int] = []
        var unreadable: [(line: Int, why: String)] = []
        var items: [StateStore.ReportedItem] = []
        var seen: Set<String> = []
        let width = reader.header.count
        do {
            try reader.forEachRecord { record in
                rows += 1
                if let problem = record.problem { unreadable.append((record.line, "\(problem)")); return }
                guard record.fieldCount == width else {
                    unreadable.append((record.line, "\(record.fieldCount) fields, the header has \(width)"))
                    return
                }
                // The row's cells, copied out of the reader's buffer; empty cells are absent.
                let cells = columns.compactMapValues { (c: Int) -> String? in
                    let s = text(record.trimmed(c))
                    return s.isEmpty ? nil : s
                }
                guard let rawPHN = cells[.phn] else { unreadable.append((record.line, "no PHN")); return }
                var reported = DemographicMismatch.Reported(familyName: cells[.familyName], givenName: cells[.givenName])
                if let text = cells[.birthDate] {
                    guard let d = CivilDate(reportText: text) else {
                        unreadable.append((record.line, "birth date is not YYYY-MM-DD, YYYY/MM/DD or DD-Mon-YYYY"))
                        return
                    }
                    reported.birthDate = d
                }
                if let text = cells[.gender] {
                    guard let g = DemographicMismatch.gender(text) else {
                        unreadable.append((record.line, "gender is not M, F, X or U"))
                        return
                    }
                    reported.gender = .some(g)
                }
                var matchedByPHN = true
                var candidates = byPHN[PHN.normalize(rawPHN)] ?? []
                if candidates.isEmpty, kind == .mismatch,
                   let key = demographicKey(reported.familyName ?? "", reported.givenName ?? "", reported.birthDate),
                   let found = byDemographics[key], found.count == 1 {
                    candidates = found
                    matchedByPHN = false
                }
                guard !candidates.isEmpty else { unmatched.append(record.line); return }
                // A PHN on several panels: the one the report names, when it names one of them.
                if candidates.count > 1, let panel = cells[.panel] {
                    let named = candidates.filter { panelNumbers[$0.panelID] == panel }
                    if !named.isEmpty { candidates = named }
                }
                let rowValues = [rawPHN, PHN.normalize(rawPHN), reported.familyName ?? "", reported.givenName ?? "",
                                 cells[.birthDate] ?? ""]
                for c in candidates {
                    let patient = snapshot.patients[c.index]
                    var item = StateStore.ReportedItem(patientID: patient.patientID, panelID: c.panelID, codes: [])
                    switch kind {
                    case .conflict:
                        item.codes = [.conflict]
                        item.otherPanel = cells[.otherPanel].flatMap { ReportIdentifier.scrub($0, rowValues: rowValues) }
                        item.otherProvider = cells[.otherProvider].flatMap {
                            ReportIdentifier.scrub($0, rowValues: rowValues)
                        }
                    case .mismatch:
                        item.codes = DemographicMismatch.codes(reported: reported, emr: patient, matchedByPHN: matchedByPHN)
                    }
                    let key = [item.patientID, item.otherPanel ?? "", item.otherProvider ?? ""].joined(separator: "\u{1F}")
                    if seen.insert(key).inserted { items.append(item) }
                }
            }
        } catch {
            throw CommandFailure("cannot read the \(kind.rawValue) report: \(error); nothing was imported")
        }
        let result = try store.importReport(kind: kind, date: date, items: items, clear: unreadable.isEmpty,
                                            today: try ctx.today(), user: Context.invokingUser, rows: rows,
                                            unmatched: unmatched.count + unreadable.count)
        if let newer = result.newerReportDate {
            throw CommandFailure("a \(kind.rawValue) report dated \(newer) was already imported; this one is dated "
                                 + "\(date): import newer reports only (use --date to give the report's date)")
        }
        let matched = rows - unmatched.count - unreadable.count
        ctx.out("\(kind.rawValue) report of \(date) (\(path)): \(rows) rows read, \(matched) matched, "
                + "\(unmatched.count) unmatched, \(unreadable.count) unreadable")
        ctx.out("worklist: \(result.opened) opened, \(result.stillOpen) still open, \(result.cleared) cleared"
                + (result.alreadyClosed > 0 ? ", \(result.alreadyClosed) already resolved" : ""))
        if !unmatched.isEmpty {
            ctx.out("rows matching no paneled patient (by PHN), by line: " + lineList(unmatched)
                    + " — check the PHN in the EMR, or whether the patient belongs on a panel here")
        }
        if !unreadable.isEmpty {
            ctx.out("rows that could not be read:")
            for u in unreadable.prefix(lineListLimit) { ctx.out("  line \(u.line): \(u.why)") }
            if unreadable.count > lineListLimit { ctx.out("  … and \(unreadable.count - lineListLimit) more") }
            ctx.out("open items were not cleared: the report could not be read in full")
        }
        return unmatched.isEmpty && unreadable.isEmpty ? .success : .problems
    }

    /// A cell as text: UTF-8, or — when the bytes are not UTF-8, as in a report saved by a spreadsheet in Windows'
    /// Latin-1 — one character per byte, so `C\u{F4}t\u{E9}` still compares equal to the EMR's `Côté`.
    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    static func lineList(_ lines: [Int]) -> String {
        lines.prefix(lineListLimit).map(String.init).joined(separator: ", ")
            + (lines.count > lineListLimit ? " … and \(lines.count - lineListLimit) more" : "")
    }

    /// Family name, given name and birth date in comparable form; nil unless all three are known.
    static func demographicKey(_ family: String, _ given: String, _ dob: CivilDate?) -> String? {
        let f = DemographicMismatch.nameKey(family), g = DemographicMismatch.nameKey(given)
        guard !f.isEmpty, !g.isEmpty, let dob else { return nil }
        return f + "|" + g + "|" + dob.description
    }
}
