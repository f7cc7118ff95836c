import Testing
@testable import CPARCore

@Suite struct PanelMembersTests {
    static let asOf = CivilDate(iso: "2026-03-31")!
    static let site = Site(name: "Riverbend Clinic", siteID: "S100")
    static let providers = ["P1": Provider(providerID: "P1", familyName: "Osler", givenName: "William", practitionerID: "12345")]
    static let panel = Panel(id: 4, name: "Dr Osler", number: "4001", facilityIDs: ["123"], practitionerIDs: ["P1"])

    /// A deterministic generator, so a failure can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func record(_ i: Int, phn: String, dob: String? = "1980-05-01") -> PatientRecord {
        PatientRecord(patientID: "P\(i)", phn: phn, familyName: "Family\(i)", givenName: "Given\(i)",
                      dob: dob.flatMap { CivilDate(iso: $0) }, gender: .female, isActive: true, mrpProviderID: "P1",
                      line: i + 2)
    }

    /// Members numbered from 0 whatever slice of the roster's tables they are, and each one the same member the
    /// table describes.
    @Test func membersOfASliceAreNumberedFromZero() {
        let records = (0..<6).map { Self.record($0, phn: "12342567\($0)") }
        let facts = zip(records, [Int32(10), .min, 30, 40, 50, 60]).map { PatientFacts(record: $0, lastVisitDays: $1) }
        let indexes: [Int32] = [0, 1, 5, -1, 2, 3]
        let confirmations: [Int32] = [1, 2, .min, 4, 5, 6]
        let issue = InputIssue(file: "patients.csv", line: 7, field: "dob", message: "not a date", recordID: "P5")
        let members = PanelMembers(panelID: 4, records: PatientTable(records), facts: facts, recordIndexes: indexes[2..<5],
                                   confirmations: confirmations[2..<5], unknownIDs: [3: "GONE"],
                                   issuesOfRecord: { $0 == 5 ? [issue] : [] })
        #expect(members.count == 3 && members.startIndex == 0 && members.endIndex == 3)
        #expect(members.map(\.membership.patientID) == ["P5", "GONE", "P2"])
        #expect(members[0].patient == records[5] && members[0].lastVisit == CivilDate(daysSinceEpoch: 60))
        #expect(members[0].membership.confirmationDate == nil && members[0].issues == [issue])
        #expect(members[1].patient == nil && members[1].lastVisit == nil && members[1].issues.isEmpty)
        #expect(members[1].membership.confirmationDate == CivilDate(daysSinceEpoch: 4))
        #expect(members[2].lastVisit == CivilDate(daysSinceEpoch: 30) && members[2].membership.panelID == 4)
        #expect(members.recordIndex(at: 1) == -1 && members.recordIndex(at: 2) == 2)
    }

    /// The facts keep what the checks read: each gender, the PHN's value only when well formed, its check digit,
    /// the dates, and the record's own reasons.
    @Test func factsKeepWhatTheChecksRead() {
        for gender in [Gender.male, .female, .other, nil] {
            var r = Self.record(1, phn: "1234-25678")
            r.gender = gender
            #expect(PatientFacts(record: r, lastVisitDays: 20_000).gender == gender)
        }
        let good = PatientFacts(record: Self.record(1, phn: "1234-25678"), lastVisitDays: 20_000)
        #expect(good.hasValidPHN && good.phnValue == 123_425_678 && !good.checkDigitFails && good.reasons.isEmpty)
        #expect(good.dob == CivilDate(iso: "1980-05-01") && good.lastVisit == CivilDate(daysSinceEpoch: 20_000))
        #expect(PatientFacts(record: Self.record(1, phn: "123425679"), lastVisitDays: 20_000).checkDigitFails)
        var bad = Self.record(2, phn: "12x", dob: "2020-01-01")
        bad.isActive = false; bad.familyName = " "; bad.gender = nil; bad.unreadable = true
        let f = PatientFacts(record: bad, lastVisitDays: 10)
        #expect(!f.hasValidPHN && f.phnValue == 0 && !f.checkDigitFails)
        #expect(f.reasons.codes == [.notActive, .invalidPHN, .missingFamilyName, .missingGender, .lastVisitBeforeDOB,
                                    .unreadableRecord])
        let none = PatientFacts(record: Self.record(3, phn: " ", dob: nil), lastVisitDays: .min)
        #expect(none.reasons.codes == [.missingPHN, .missingDOB, .noLastVisit] && none.dob == nil && none.lastVisit == nil)
    }

    /// Members declared in patient_id order keep their findings in member order; undeclared ones are sorted, and
    /// for members that are in order both give the same extract.
    @Test func findingsFollowPatientIDOrder() {
        let ids = ["A1", "B2", "B3", "C", "c"]
        let records = ids.map { PatientRecord(patientID: $0, phn: "", familyName: "F", givenName: "G", dob: nil,
                                               gender: nil, isActive: true, mrpProviderID: "P1") }
        let facts = records.map { PatientFacts(record: $0, lastVisitDays: .min) }
        func extract(_ order: [Int32], declared: Bool) -> PanelExtract {
            let members = PanelMembers(panelID: 4, records: PatientTable(records), facts: facts, recordIndexes: order[...],
                                       confirmations: order.map { _ in Int32.min }[...], unknownIDs: [:],
                                       inPatientIDOrder: declared, issuesOfRecord: { _ in [] })
            return PanelValidator.validate(panel: Self.panel, site: Self.site, members: members, providers: Self.providers,
                                           duplicatePHNs: DuplicatePHN.Values([]), asOf: Self.asOf, policy: ValidationPolicy())
        }
        #expect(extract([0, 1, 2, 3, 4], declared: true) == extract([0, 1, 2, 3, 4], declared: false))
        #expect(extract([4, 2, 0, 3, 1], declared: false).excluded.map(\.patientID) == ids)
    }

    /// A panel large enough for the radix sort, with shared PHNs (no duplicate check), shuffled patient_ids,
    /// malformed PHNs, unknown patients and missing dates: the validator reading the shared tables in place gives
    /// exactly what it gives for the same members one by one, and the payload order is (PHN, patient_id).
    @Test func largePanelReadInPlaceMatchesMembersOneByOne() {
        var g = Generator(state: 7)
        let n = 3000
        let records = (0..<n).map { i -> PatientRecord in
            let phn = g.next(20) == 0 ? "12-34" : String(100_000_000 + g.next(2_000) * 7919)
            return Self.record(i, phn: phn, dob: g.next(50) == 0 ? nil : "1980-05-01")
        }
        let lastVisits = (0..<n).map { _ in g.next(40) == 0 ? Int32.min : Int32(20_000 + g.next(300)) }
        // Every other record, in a shuffled order, then two unknown patients; the slice starts past a prefix.
        var picked = Array(stride(from: 0, to: n, by: 2)).map(Int32.init)
        for i in picked.indices.reversed() { picked.swapAt(i, g.next(i + 1)) }
        let indexes = [Int32(1), 3] + picked + [-1, -1]
        let confirmations = indexes.map { _ in g.next(30) == 0 ? Int32.min : Int32(20_100) }
        let range = 2..<indexes.count
        let unknown = [indexes.count - 2: "U1", indexes.count - 1: "U0"]
        let inPlace = PanelMembers(panelID: 4, records: PatientTable(records),
                                   facts: zip(records, lastVisits).map { PatientFacts(record: $0, lastVisitDays: $1) },
                                   recordIndexes: indexes[range], confirmations: confirmations[range],
                                   unknownIDs: unknown, issuesOfRecord: { _ in [] })
        let oneByOne = Array(inPlace)
        #expect(oneByOne.count == picked.count + 2)

        func validate(_ m: PanelMembers) -> PanelExtract {
            PanelValidator.validate(panel: Self.panel, site: Self.site, members: m, providers: Self.providers,
                                    duplicatePHNs: DuplicatePHN.Values([]), asOf: Self.asOf, policy: ValidationPolicy())
        }
        let a = validate(inPlace), b = validate(PanelMembers(oneByOne))
        #expect(a == b)
        #expect(a.patients.count > 1000 && a.excluded.count > 100)
        // (PHN, patient_id) order, recomputed naively from the members.
        let expected = oneByOne.filter { m in a.patients.contains { $0.familyName == m.patient?.familyName } }
            .sorted { x, y in
                let (p, q) = (x.patient!.phn, y.patient!.phn)
                return p != q ? p < q : Array(x.membership.patientID.utf8).lexicographicallyPrecedes(y.membership.patientID.utf8)
            }
        #expect(a.patients.map(\.familyName) == expected.map { $0.patient!.familyName })
        #expect(a.excluded.map(\.patientID) == a.excluded.map(\.patientID).sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) })
        #expect(a.excluded.contains { $0.patientID == "U0" && $0.reasons.contains(.unknownPatient) })
    }
}

@Suite struct PHNRadixSortTests {
    @Test func sortsValuesOfEverySize() {
        var g = PanelMembersTests.Generator(state: 11)
        for n in [0, 1, 2, 63, 64, 65, 1000, 5000] {
            var values = (0..<n).map { _ in UInt32(g.next(1 << 30)) }
            let expected = values.sorted()
            PHNRadixSort.sort(&values)
            #expect(values == expected, "n = \(n)")
        }
    }

    /// Keys sorted by their high word only; equal high words keep their input order (the low words here are
    /// decreasing, so a sort of whole keys would reverse them).
    @Test func sortsKeysByHighWordStably() {
        var g = PanelMembersTests.Generator(state: 3)
        for n in [5, 63, 64, 300, 4000] {
            var keys = (0..<n).map { i in UInt64(g.next(50)) << 32 | UInt64(n - i) }
            let expected = keys.enumerated().sorted { ($0.element >> 32, $0.offset) < ($1.element >> 32, $1.offset) }.map(\.element)
            PHNRadixSort.sortByHighWord(&keys)
            #expect(keys == expected, "n = \(n)")
        }
    }
}

@Suite struct PatientTableTests {
    final class Counter: @unchecked Sendable { var value = 0 }

    /// Runs of blocks, each block full but a run's last, read back in order whatever the run lengths; the blocks
    /// are released once, when the table goes.
    @Test func runsOfBlocksReadInOrderAndAreReleasedOnce() {
        let shift = 2, per = 1 << shift
        var next = 0, allocated: [UnsafeMutablePointer<PatientRecord>] = []
        func run(_ n: Int) -> (blocks: [UnsafeMutablePointer<PatientRecord>], count: Int) {
            var blocks: [UnsafeMutablePointer<PatientRecord>] = []
            for start in stride(from: 0, to: n, by: per) {
                let block = UnsafeMutablePointer<PatientRecord>.allocate(capacity: per)
                for k in 0..<min(per, n - start) {
                    (block + k).initialize(to: PanelMembersTests.record(next, phn: String(100_000_000 + next)))
                    next += 1
                }
                blocks.append(block)
            }
            allocated += blocks
            return (blocks, n)
        }
        let released = Counter()
        do {
            let runs = [run(6), run(0), run(5), run(4), run(1)]
            let table = PatientTable(runs: runs, blockShift: shift) {
                for b in allocated { b.deallocate() }
                released.value += 1
            }
            #expect(table.count == 16 && table.indices == 0..<16)
            #expect(table.map(\.patientID) == (0..<16).map { "P\($0)" })
            #expect(table[15].phn == "100000015" && table.record(at: 6).pointee.patientID == "P6")
            #expect(released.value == 0)
        }
        #expect(released.value == 1)
        #expect(PatientTable([]).isEmpty)
        #expect(Array(PatientTable([PanelMembersTests.record(3, phn: "1")])).map(\.line) == [5])
    }
}
