/// Panel hygiene figures (SPEC §14): how current a panel's confirmations and visits are, its open worklist items,
/// and its change since the last Submitted submission. Pure: the caller gathers the inputs.
public struct PanelHygiene: Equatable, Sendable {
    /// One member as hygiene sees it.
    public struct Member: Sendable {
        public var confirmation: CivilDate?
        public var lastVisit: CivilDate?
        public init(confirmation: CivilDate?, lastVisit: CivilDate?) {
            self.confirmation = confirmation; self.lastVisit = lastVisit
        }
    }

    public struct LastSubmitted: Equatable, Sendable {
        public var date: CivilDate
        public var patients: Int
        public init(date: CivilDate, patients: Int) { self.date = date; self.patients = patients }
    }

    public var members = 0
    public var valid = 0
    /// Members with a confirmation no older than the limit, as a share of members (0 for an empty panel).
    public var confirmationRate: Double = 0
    public var confirmedRecently = 0
    public var staleConfirmations = 0
    public var noConfirmation = 0
    /// Members whose last counting visit is older than the visit limit.
    public var notSeen = 0
    /// Members with no counting visit at all.
    public var neverSeen = 0
    public var openConflicts = 0
    public var openMismatches = 0
    public var lastSubmitted: LastSubmitted?
    /// Valid patients now minus the patients of the last Submitted submission; nil without one.
    public var changeSinceSubmitted: Int? { lastSubmitted.map { valid - $0.patients } }

    public init() {}

    /// - Parameters:
    ///   - valid: members that pass validation on `asOf` (what a submission would carry now).
    public static func compute(members: [Member], valid: Int, asOf: CivilDate,
                               confirmationMaxAge: AgeLimit, visitMaxAge: AgeLimit,
                               openConflicts: Int = 0, openMismatches: Int = 0,
                               lastSubmitted: LastSubmitted? = nil) -> PanelHygiene {
        var h = PanelHygiene()
        h.members = members.count
        h.valid = valid
        h.openConflicts = openConflicts
        h.openMismatches = openMismatches
        h.lastSubmitted = lastSubmitted
        let confirmationCutoff = confirmationMaxAge.cutoff(asOf: asOf)
        let visitCutoff = visitMaxAge.cutoff(asOf: asOf)
        for m in members {
            if let c = m.confirmation {
                if c < confirmationCutoff { h.staleConfirmations += 1 } else { h.confirmedRecently += 1 }
            } else {
                h.noConfirmation += 1
            }
            if let v = m.lastVisit {
                if v < visitCutoff { h.notSeen += 1 }
            } else {
                h.neverSeen += 1
            }
        }
        h.confirmationRate = h.members == 0 ? 0 : Double(h.confirmedRecently) / Double(h.members)
        return h
    }
}
