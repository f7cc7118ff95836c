/// A panel's members as the validator reads them: positions in a shared table of patient records, never copies.
///
/// `records` and `facts` are a whole EMR table (shared between every panel of a run, not copied); member i
/// is the record at `recordIndexes[i]` (-1: a patient_id absent from patients.csv, named in `unknownIDs`) with the
/// confirmation date `confirmations[i]`. Members are numbered from 0, whatever the slices' own indexes.
/// A collection of `PanelMember`s, each made on demand for the callers that want one (reports, tests);
/// `PanelValidator` reads the tables in place.
public struct PanelMembers: RandomAccessCollection, Sendable {
    public let panelID: Int64
    /// The patient records the members point into.
    public let records: PatientTable
    /// What validation needs of each record and its last visit, aligned with `records`.
    public let facts: [PatientFacts]
    /// Each member's index in `records`; -1 when patients.csv does not have the patient.
    public let recordIndexes: ArraySlice<Int32>
    /// Each member's confirmation date in days since 1970-01-01, aligned with `recordIndexes`; `Int32.min` when none.
    public let confirmations: ArraySlice<Int32>
    /// The patient_id of each member absent from `records`, by index in `recordIndexes` (the slice's own index).
    public let unknownIDs: [Int: String]
    /// The input problems of `records[i]`.
    public let issuesOfRecord: @Sendable (Int) -> [InputIssue]
    /// The members are in patient_id (byte) order, as the roster keeps the store's rows: findings need no sort.
    public let inPatientIDOrder: Bool

    public init(panelID: Int64, records: PatientTable, facts: [PatientFacts], recordIndexes: ArraySlice<Int32>,
                confirmations: ArraySlice<Int32>, unknownIDs: [Int: String], inPatientIDOrder: Bool = false,
                issuesOfRecord: @escaping @Sendable (Int) -> [InputIssue]) {
        precondition(recordIndexes.indices == confirmations.indices, "confirmations must be aligned with the members")
        precondition(facts.count == records.count, "facts must be aligned with the records")
        self.panelID = panelID; self.records = records; self.facts = facts
        self.recordIndexes = recordIndexes; self.confirmations = confirmations; self.unknownIDs = unknownIDs
        self.issuesOfRecord = issuesOfRecord; self.inPatientIDOrder = inPatientIDOrder
    }

    /// Members given one by one (tests, small callers): their records are copied into a table of their own.
    public init(_ members: [PanelMember]) {
        var records: [PatientRecord] = [], facts: [PatientFacts] = [], indexes: [Int32] = [], confirmations: [Int32] = []
        var unknown: [Int: String] = [:], issues: [[InputIssue]] = []
        for (i, m) in members.enumerated() {
            confirmations.append(m.membership.confirmationDate?.daysSinceEpoch ?? .min)
            if let p = m.patient {
                indexes.append(Int32(records.count))
                records.append(p)
                facts.append(PatientFacts(record: p, lastVisitDays: m.lastVisit?.daysSinceEpoch ?? .min))
                issues.append(m.issues)
            } else {
                indexes.append(-1)
                unknown[i] = m.membership.patientID
            }
        }
        let panelID = members.first?.membership.panelID ?? 0, recordIssues = issues
        self.init(panelID: panelID, records: PatientTable(records), facts: facts, recordIndexes: indexes[...],
                  confirmations: confirmations[...], unknownIDs: unknown, issuesOfRecord: { recordIssues[$0] })
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { recordIndexes.count }

    public subscript(i: Int) -> PanelMember {
        let membership = Membership(patientID: patientID(at: i), panelID: panelID, confirmationDate: confirmationDate(at: i))
        let p = recordIndex(at: i)
        guard p >= 0 else { return PanelMember(membership: membership, patient: nil, lastVisit: nil) }
        return PanelMember(membership: membership, patient: records[p], lastVisit: facts[p].lastVisit,
                           issues: issuesOfRecord(p))
    }

    /// Member `i`'s index in `records`; -1 when patients.csv does not have the patient.
    public func recordIndex(at i: Int) -> Int { Int(recordIndexes[recordIndexes.startIndex + i]) }

    /// The patient_id of member `i`.
    public func patientID(at i: Int) -> String {
        let p = recordIndex(at: i)
        return p >= 0 ? records.record(at: p).pointee.patientID : unknownIDs[recordIndexes.startIndex + i] ?? ""
    }

    /// The input problems of member `i`'s row in patients.csv.
    public func issues(at i: Int) -> [InputIssue] {
        let p = recordIndex(at: i)
        return p >= 0 ? issuesOfRecord(p) : []
    }

    public func confirmationDate(at i: Int) -> CivilDate? {
        let c = confirmations[confirmations.startIndex + i]
        return c == .min ? nil : CivilDate(daysSinceEpoch: c)
    }
}
