import CPARCore

/// For `DUPLICATE_PHN`: which other paneled patients share each patient's PHN (SPEC §13 `duplicate_of`). Looked
/// up only for the patients that carry the code, from the same extract source, so no PHN leaves this type.
public struct DuplicatePartners: Sendable {
    private var others: [String: [String]] = [:]

    /// `patientIDs`: the patients reported with `DUPLICATE_PHN`. Empty input costs nothing.
    public init(source: ExtractSource, panels: [Panel], patientIDs: Set<String>) {
        guard !patientIDs.isEmpty else { return }
        var byPHN: [String: [String]] = [:]
        var wanted: [String: String] = [:]
        for panel in panels {
            for member in source.members(of: panel) {
                guard let p = member.patient, case .valid(let phn, _) = PHN.classify(p.phn) else { continue }
                byPHN[phn, default: []].append(member.membership.patientID)
                if patientIDs.contains(member.membership.patientID) { wanted[member.membership.patientID] = phn }
            }
        }
        for (id, phn) in wanted {
            others[id] = (byPHN[phn] ?? []).filter { $0 != id }.sorted()
        }
    }

    public func of(_ patientID: String) -> [String] { others[patientID] ?? [] }
}
