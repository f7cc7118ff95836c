import CPARCore

/// Everything cpard needs from the EMR data directory at one extract date.
public struct EMRSnapshot: Sendable {
    /// `providers.csv` by `provider_id` (first row wins).
    public var providers: [String: Provider]
    /// Every readable row of `patients.csv`, in file order (rows with a `patient_id` that could not be read as a
    /// whole have `unreadable = true`; rows without a `patient_id` are only issues).
    public let patients: PatientTable
    /// `patient_id` → index in `patients` (first occurrence wins). Subscript it like a `[String: Int]`.
    public var patientIndex: PatientIndex
    /// Latest counting appointment dated ≤ `asOf`, any provider, as days since 1970-01-01, aligned with `patients`;
    /// `Int32.min` when there is none. Use `lastVisit(ofPatientAt:)`.
    public let lastVisitDays: [Int32]
    /// What validation needs of each patient and its last visit, aligned with `patients` (see `PatientFacts`).
    public let facts: [PatientFacts]
    /// Input problems in file order per file (providers, patients, appointments), at most `EMRLoadOptions.maxIssues`.
    public var issues: [InputIssue]
    /// How many issues there were in all (may exceed `issues.count`).
    public var issueCount: Int
    /// The extract date the last visits were computed for.
    public var asOf: CivilDate
    public var statistics: EMRLoadStatistics
    /// patient index → indexes into `issues`.
    var patientIssues: [Int: [Int]]
    /// Bit i set: `patientIssues` has patient i (most have none; the bit spares them a dictionary lookup).
    private var hasIssues: [UInt64]

    public init(providers: [String: Provider], patients: PatientTable, patientIndex: PatientIndex,
                lastVisitDays: [Int32], issues: [InputIssue], issueCount: Int, asOf: CivilDate,
                statistics: EMRLoadStatistics = EMRLoadStatistics(), patientIssues: [Int: [Int]] = [:],
                facts: [PatientFacts]? = nil) {
        self.providers = providers; self.patients = patients; self.patientIndex = patientIndex
        self.lastVisitDays = lastVisitDays; self.issues = issues; self.issueCount = issueCount; self.asOf = asOf
        // `facts`, when given (the loader works them out while reading), must be those of `patients` and
        // `lastVisitDays`.
        self.facts = facts ?? PatientFacts.table(patients, lastVisitDays: lastVisitDays)
        precondition(self.facts.count == patients.count, "facts must be aligned with the patients")
        self.statistics = statistics; self.patientIssues = patientIssues
        hasIssues = [UInt64](repeating: 0, count: patients.count / 64 + 1)
        for i in patientIssues.keys where i >= 0 && i < patients.count { hasIssues[i >> 6] |= 1 << UInt64(i & 63) }
    }

    /// A snapshot built in memory (e.g. in tests): the index is built from `patients`, `lastVisits` is aligned with
    /// `patients`, and issues of `patients.csv` are attached to the patient their `recordID` names.
    public init(providers: [Provider], patients: [PatientRecord], lastVisits: [CivilDate?], asOf: CivilDate,
                issues: [InputIssue] = []) {
        precondition(lastVisits.count == patients.count, "lastVisits must be aligned with patients")
        let table = PatientTable(patients)
        let index = PatientIndex(patients: table)
        var owners: [Int: [Int]] = [:]
        for (i, issue) in issues.enumerated() where issue.file == EMRFiles.patients {
            if let id = issue.recordID, let p = index[id] { owners[p, default: []].append(i) }
        }
        self.init(providers: Dictionary(providers.map { ($0.providerID, $0) }, uniquingKeysWith: { first, _ in first }),
                  patients: table, patientIndex: index,
                  lastVisitDays: lastVisits.map { $0?.daysSinceEpoch ?? .min }, issues: issues,
                  issueCount: issues.count, asOf: asOf, patientIssues: owners)
    }

    /// The latest counting visit of `patient_id`, if the patient is in `patients.csv` and has one.
    public func lastVisit(ofPatient patientID: String) -> CivilDate? {
        patientIndex[patientID].flatMap { lastVisit(ofPatientAt: $0) }
    }

    /// The latest counting visit of `patients[index]`, if any.
    public func lastVisit(ofPatientAt index: Int) -> CivilDate? {
        let d = lastVisitDays[index]
        return d == .min ? nil : CivilDate(daysSinceEpoch: d)
    }

    /// The patient record for `patient_id`, if `patients.csv` has one.
    public func patient(_ patientID: String) -> PatientRecord? { patientIndex[patientID].map { patients[$0] } }

    /// The input issues (from `patients.csv`) of `patients[index]`: its unreadable fields or row. Empty when none,
    /// or when the issue bound was reached before them.
    public func issues(forPatientAt index: Int) -> [InputIssue] {
        guard index >= 0, index < patients.count, hasIssues[index >> 6] & (1 << UInt64(index & 63)) != 0 else { return [] }
        return patientIssues[index]?.map { issues[$0] } ?? []
    }
}
