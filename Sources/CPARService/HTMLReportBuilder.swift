import Foundation
import CPARCore
import CPARStore
import CPARReport
import CPARSystem

/// Gathers the HTML panel report (SPEC §13) from the store and the EMR export, and writes it: `cparctl report
/// --html` and cpard after every pass (`report.html_path`) both come here.
public enum HTMLReportBuilder {
    /// A confirmation counts toward the rate when no older than this (SPEC §14's default confirmation max age).
    public static let confirmationMaxAgeDays: Int32 = 3 * 365 + 1

    public static func model(config: Config, store: StateStore, asOf: CivilDate,
                             now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> ReportModel {
        let calendar = try SendCalendar(config: config)
        let view = SubmissionView(timeZone: calendar.timeZone)
        let site = try store.site()
        var m = ReportModel(siteName: site?.name, siteID: site?.siteID, generated: view.local(now),
                            timeZoneName: config.timezone, asOf: asOf)
        let panels = try store.panels()
        let counts = try store.memberCounts()
        for panel in panels {
            var p = ReportModel.Panel(label: panel.label, name: panel.name, cparEnabled: panel.cparEnabled)
            if let s = try store.latestSubmission(panelID: panel.id) {
                p.status = s.status.rawValue
                p.created = view.local(s.created)
                p.patientsSent = SubmissionView.patientsSent(s)
                p.nextAttempt = SubmissionView.nextAttempt(s, now: now).map(view.local)
                p.error = s.status == .failed || s.status == .queued ? s.error : nil
            }
            p.members = counts[panel.id] ?? 0
            m.panels.append(p)
        }
        let names = Dictionary(panels.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        m.history = try store.submissions(panelID: nil).map { s in
            ReportModel.HistoryRow(panel: s.panelLabel, name: names[s.panelID] ?? "", period: s.period.description,
                                   trigger: SubmissionView.trigger(s), requestedBy: s.requestedBy,
                                   created: view.local(s.created), delivered: s.delivered.map(view.local),
                                   patients: SubmissionView.patientsSent(s), attempts: s.attempts,
                                   status: s.status.rawValue, error: s.status == .submitted ? nil : s.error)
        }
        m.openItems = try openItems(store: store, asOf: asOf)
        m.hygiene = try hygiene(config: config, store: store, asOf: asOf)
        let source: ExtractSource
        do {
            source = try ExtractSource.load(config: config, store: store, asOf: asOf)
        } catch {
            m.exportError = "\(error)"
            return m
        }
        m.inputProblemCount = source.snapshot.issueCount
        let cpar = panels.enumerated().filter { $0.element.cparEnabled }
        let extracts = source.forEach(cpar.map(\.element), policy: config.validation) { e in
            (e.problems, e.patients.count, e.excluded)
        }
        let duplicated = Set(extracts.flatMap { (try? $0.get().2)?.filter { $0.reasons.contains(.duplicatePHN) }.map(\.patientID) ?? [] })
        let partners = DuplicatePartners(source: source, panels: panels, patientIDs: duplicated)
        let oldest = asOf.daysSinceEpoch - confirmationMaxAgeDays
        for ((index, panel), result) in zip(cpar, extracts) {
            let (problems, valid, excluded) = try result.get()
            var p = m.panels[index]
            p.problems = problems
            p.valid = valid
            p.excluded = excluded.count
            var reasonCounts: [ReasonCode: Int] = [:]
            for f in excluded { for r in Set(f.reasons) { reasonCounts[r, default: 0] += 1 } }
            p.reasons = reasonCounts.sorted { $0.key < $1.key }.map { (code: $0.key, count: $0.value) }
            p.toFix = excluded.map {
                ReportModel.PatientToFix(patientID: $0.patientID, reasons: $0.reasons,
                                         duplicateOf: $0.reasons.contains(.duplicatePHN) ? partners.of($0.patientID) : [])
            }
            let members = source.members(of: panel)
            if !members.isEmpty {
                let confirmed = members.filter { ($0.membership.confirmationDate?.daysSinceEpoch ?? .min) >= oldest }.count
                p.confirmationRate = Double(confirmed) / Double(members.count)
            }
            m.panels[index] = p
        }
        return m
    }

    /// §14 hook: the open worklist items (conflicts, demographic mismatches) for the report's "Open items"
    /// section, which renders only when this returns some. Empty until the worklist store exists.
    static func openItems(store: StateStore, asOf: CivilDate) throws -> [ReportModel.OpenItem] { [] }

    /// §14 hook: each panel's hygiene figures (label and value, in display order) for the report's "Panel hygiene"
    /// section, which renders only when this returns some. Empty until hygiene exists.
    static func hygiene(config: Config, store: StateStore, asOf: CivilDate) throws -> [ReportModel.HygieneRow] { [] }

    /// The report file's mode: a panel administrators' group may read it, others may not (SPEC §13).
    public static let fileMode: mode_t = 0o640

    /// Builds and writes the report to `path` (mode 0640 whatever the umask; whole or absent).
    public static func write(config: Config, store: StateStore, asOf: CivilDate, to path: String) throws {
        let html = HTMLReport.render(try model(config: config, store: store, asOf: asOf))
        try DurableFile.write(html, to: path, mode: fileMode)
    }
}
