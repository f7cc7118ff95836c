import CPARCore
@testable import CPAREMR
import Testing

@Suite struct PanelRosterTests {
    static let asOf = CivilDate(year: 2026, month: 11, day: 1)!

    static func patient(_ id: String, phn: String = "123456789") -> PatientRecord {
        PatientRecord(patientID: id, phn: phn, familyName: "Doe", givenName: "Jo", dob: CivilDate(year: 1980, month: 1, day: 1),
                      gender: .female, isActive: true, mrpProviderID: "PR1")
    }

    static func date(_ day: Int) -> CivilDate { CivilDate(year: 2026, month: 1, day: day)! }

    /// The join as the extract defined it before the roster: a dictionary lookup per membership.
    static func naiveMembers(_ memberships: [Membership], panel: Int64, snapshot: EMRSnapshot) -> [PanelMember] {
        memberships.filter { $0.panelID == panel }.map { m in
            guard let i = snapshot.patientIndex[m.patientID] else {
                return PanelMember(membership: m, patient: nil, lastVisit: nil)
            }
            return PanelMember(membership: m, patient: snapshot.patients[i], lastVisit: snapshot.lastVisit(ofPatientAt: i),
                               issues: snapshot.issues(forPatientAt: i))
        }
    }

    static func assertSame(_ a: PanelMembers, _ b: [PanelMember]) {
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.membership == y.membership)
            #expect(x.patient == y.patient)
            #expect(x.lastVisit == y.lastVisit)
            #expect(x.issues == y.issues)
        }
    }

    @Test func joinsMembersWithTheirRecordsGroupedByPanelInRowOrder() {
        let patients = [Self.patient("P1"), Self.patient("P2"), Self.patient("P3"), Self.patient("P4")]
        let issues = [InputIssue(file: EMRFiles.patients, line: 4, field: "dob", message: "not a date", recordID: "P3")]
        let snapshot = EMRSnapshot(providers: [], patients: patients,
                                   lastVisits: [Self.date(5), nil, Self.date(7), Self.date(9)], asOf: Self.asOf, issues: issues)
        let memberships = [
            Membership(patientID: "P1", panelID: 7, confirmationDate: Self.date(6)),
            Membership(patientID: "P2", panelID: 3, confirmationDate: nil),
            Membership(patientID: "P3", panelID: 7, confirmationDate: Self.date(8)),
            Membership(patientID: "P9", panelID: 7, confirmationDate: Self.date(1)),   // not in patients.csv
            Membership(patientID: "P4", panelID: 3, confirmationDate: Self.date(10)),
        ]
        let roster = PanelRoster(rows: MembershipRows(memberships), snapshot: snapshot)
        #expect(roster.count == 5)
        #expect(roster.memberCount(ofPanel: 7) == 3)
        #expect(roster.memberCount(ofPanel: 3) == 2)
        #expect(roster.memberCount(ofPanel: 99) == 0)
        #expect(roster.members(ofPanel: 99).isEmpty)

        let seven = roster.members(ofPanel: 7)
        #expect(seven.map(\.membership.patientID) == ["P1", "P3", "P9"])
        #expect(seven[2].patient == nil && seven[2].lastVisit == nil)
        #expect(seven[1].issues == issues)
        #expect(seven[0].issues.isEmpty)
        Self.assertSame(seven, Self.naiveMembers(memberships, panel: 7, snapshot: snapshot))
        Self.assertSame(roster.members(ofPanel: 3), Self.naiveMembers(memberships, panel: 3, snapshot: snapshot))
        #expect(roster.patientIndexes.filter { $0 < 0 }.count == 1)
    }

    @Test func aRepeatedPatientIDJoinsTheFirstRecord() {
        let patients = [Self.patient("A", phn: "111111111"), Self.patient("B"), Self.patient("A", phn: "222222222")]
        let snapshot = EMRSnapshot(providers: [], patients: patients, lastVisits: [nil, nil, nil], asOf: Self.asOf)
        // "B" then "A": the sequential guess (the patient after B is the second "A") must not win over the first.
        let roster = PanelRoster(rows: MembershipRows([Membership(patientID: "B", panelID: 1, confirmationDate: nil),
                                                       Membership(patientID: "A", panelID: 1, confirmationDate: nil)]),
                                 snapshot: snapshot)
        #expect(roster.members(ofPanel: 1).map { $0.patient?.phn } == ["123456789", "111111111"])
    }

    @Test func largeShuffledRosterMatchesTheNaiveJoinWhateverTheRowOrderAndThreads() {
        var random = SeededRandom(seed: 11)
        let n = 120_000
        let patients = (0..<n).map { Self.patient("P" + String(1_000_000 + $0), phn: String(100_000_000 + $0)) }
        let lastVisits = (0..<n).map { $0 % 7 == 0 ? nil : Self.date(1 + $0 % 28) }
        let snapshot = EMRSnapshot(providers: [], patients: patients, lastVisits: lastVisits, asOf: Self.asOf)
        var memberships: [Membership] = []
        for i in 0..<n where i % 5 != 0 {   // gaps: not every patient is on a panel
            memberships.append(Membership(patientID: patients[i].patientID, panelID: Int64(random.next() % 13),
                                          confirmationDate: i % 11 == 0 ? nil : Self.date(1 + i % 27)))
            if i % 997 == 0 {
                memberships.append(Membership(patientID: "X\(i)", panelID: Int64(random.next() % 13), confirmationDate: nil))
            }
        }
        let shuffled = memberships.shuffled(using: &random)
        for (rows, threads) in [(memberships, 1), (memberships, 2), (shuffled, 2), (shuffled, 3)] {
            let roster = PanelRoster(rows: MembershipRows(rows), snapshot: snapshot, threads: threads)
            #expect(roster.count == rows.count)
            for panel in Int64(0)..<13 {
                Self.assertSame(roster.members(ofPanel: panel), Self.naiveMembers(rows, panel: panel, snapshot: snapshot))
            }
        }
    }

    /// Panel ids small enough to be looked up by position and ones that are not (negative, huge) group the same.
    @Test func panelIDsOfEverySizeGroupTheirMembers() {
        let ids: [Int64] = [5, 70_000, -3, 5, 0, Int64.max, 1 << 16, 70_000, 65_535, 0]
        let patients = ids.indices.map { Self.patient("P\($0)") }
        let snapshot = EMRSnapshot(providers: [], patients: patients, lastVisits: patients.map { _ in nil }, asOf: Self.asOf)
        let rows = MembershipRows(ids.enumerated().map {
            Membership(patientID: "P\($0.offset)", panelID: $0.element, confirmationDate: nil)
        })
        #expect(rows.panelIDs == [5, 70_000, -3, 0, Int64.max, 1 << 16, 65_535])
        let roster = PanelRoster(rows: rows, snapshot: snapshot)
        for id in Set(ids) {
            let expected = ids.indices.filter { ids[$0] == id }.map { "P\($0)" }
            #expect(roster.members(ofPanel: id).map(\.membership.patientID) == expected, "panel \(id)")
        }
    }

    /// Hundreds of panels (as a network of clinics has) each get their own members; the position table for small
    /// ids grows with the largest id, not with the number of panels.
    @Test func manyPanelsGroupTheirMembers() {
        let ids = (0..<600).map { Int64($0 % 300 + 1) }
        let rows = MembershipRows(ids.enumerated().map {
            Membership(patientID: "P\($0.offset)", panelID: $0.element, confirmationDate: nil)
        })
        #expect(rows.panelIDs == (1...300).map(Int64.init))
        let patients = ids.indices.map { Self.patient("P\($0)") }
        let snapshot = EMRSnapshot(providers: [], patients: patients, lastVisits: patients.map { _ in nil }, asOf: Self.asOf)
        let roster = PanelRoster(rows: rows, snapshot: snapshot)
        #expect(roster.members(ofPanel: 7).map(\.membership.patientID) == ["P6", "P306"])
        #expect((1...300).allSatisfy { roster.memberCount(ofPanel: Int64($0)) == 2 })
    }

    /// Rows in patient_id byte order (equal ids allowed) are known to be; one row out of order clears the flag.
    @Test func rowsKnowWhetherTheyAreInPatientIDOrder() {
        func rows(_ ids: [String]) -> MembershipRows {
            MembershipRows(ids.map { Membership(patientID: $0, panelID: 1, confirmationDate: nil) })
        }
        #expect(rows([]).inPatientIDOrder && rows(["B"]).inPatientIDOrder)
        #expect(rows(["", "A", "A", "AB", "B", "a", "Zoë"]).inPatientIDOrder == false)   // "a" (0x61) > "Zoë" (0x5A)
        #expect(rows(["", "A", "A", "AB", "B", "Zoë", "a"]).inPatientIDOrder)
        #expect(rows(["P10", "P9"]).inPatientIDOrder && !rows(["P9", "P10"]).inPatientIDOrder)
        #expect(!rows(["AB", "A"]).inPatientIDOrder)
    }

    @Test func membersOfALaterPanelAreNumberedFromZero() {
        let patients = [Self.patient("A"), Self.patient("B"), Self.patient("C")]
        let snapshot = EMRSnapshot(providers: [], patients: patients, lastVisits: [nil, nil, Self.date(2)], asOf: Self.asOf)
        let roster = PanelRoster(rows: MembershipRows([Membership(patientID: "A", panelID: 1, confirmationDate: nil),
                                                       Membership(patientID: "B", panelID: 2, confirmationDate: nil),
                                                       Membership(patientID: "C", panelID: 2, confirmationDate: Self.date(1))]),
                                 snapshot: snapshot)
        let two = roster.members(ofPanel: 2)
        #expect(two.indices == 0..<2)
        #expect(two[0].membership.patientID == "B" && two[1].patient?.patientID == "C")
        #expect(two[1].lastVisit == Self.date(2) && two[1].membership.confirmationDate == Self.date(1))
    }

    @Test func rowsKeepEmptyAndMultiByteIDs() {
        let patients = [Self.patient(""), Self.patient("Zoë-7")]
        let snapshot = EMRSnapshot(providers: [], patients: patients, lastVisits: [nil, Self.date(3)], asOf: Self.asOf)
        var rows = MembershipRows(expectedCount: 2)
        for m in [Membership(patientID: "Zoë-7", panelID: 2, confirmationDate: Self.date(4)),
                  Membership(patientID: "", panelID: 2, confirmationDate: nil)] { rows.append(m) }
        #expect(rows.count == 2)
        let members = PanelRoster(rows: rows, snapshot: snapshot).members(ofPanel: 2)
        #expect(members.map(\.membership.patientID) == ["Zoë-7", ""])
        #expect(members.map(\.lastVisit) == [Self.date(3), nil])
        #expect(members.map(\.membership.confirmationDate) == [Self.date(4), nil])
    }
}
