import Foundation
import CPARCore
import CPARStore

/// Gathers the §14 panel hygiene figures from the store and an extract source: for `cparctl hygiene` and the HTML
/// report (which cpard also writes). The arithmetic is `PanelHygiene`'s.
public enum HygieneFigures {
    /// The figures of `panels` on the source's as-of date. `valid` gives each panel's valid count when the caller
    /// has already validated it (panel id → count); panels missing from it are validated here.
    public static func compute(config: Config, store: StateStore, source: ExtractSource, panels: [Panel],
                               valid known: [Int64: Int] = [:]) throws -> [(panel: Panel, hygiene: PanelHygiene)] {
        let open = try store.openWorklistCounts()
        let submitted = try store.lastSubmitted()
        let calendar = try SendCalendar(config: config)
        let missing = panels.filter { known[$0.id] == nil }
        var valid = known
        for (panel, count) in zip(missing, try source.forEach(missing, policy: config.validation) { $0.patients.count }
                                               .map { try $0.get() }) {
            valid[panel.id] = count
        }
        return panels.map { panel in
            let members = source.members(of: panel).map {
                PanelHygiene.Member(confirmation: $0.membership.confirmationDate, lastVisit: $0.lastVisit)
            }
            let last = submitted[panel.id].map {
                PanelHygiene.LastSubmitted(date: calendar.civilDate(of: Date(timeIntervalSince1970: TimeInterval($0.delivered))),
                                           patients: $0.patients)
            }
            return (panel, PanelHygiene.compute(
                members: members, valid: valid[panel.id] ?? 0, asOf: source.asOf,
                confirmationMaxAge: config.hygieneConfirmationMaxAge, visitMaxAge: config.hygieneVisitMaxAge,
                openConflicts: open[panel.id]?[.conflict] ?? 0, openMismatches: open[panel.id]?[.mismatch] ?? 0,
                lastSubmitted: last))
        }
    }
}
