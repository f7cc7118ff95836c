import Testing
@testable import CPARCore

@Suite struct PanelValidatorTests {
    static let asOf = CivilDate(iso: "2026-03-31")!
    static let site = Site(name: "Riverbend Clinic", siteID: "S100")
    static let providers: [String: Provider] = [
        "P1": Provider(providerID: "P1", familyName: "Osler", givenName: "William", practitionerID: "12345"),
        "P2": Provider(providerID: "P2", familyName: "Banting", givenName: "Fred", practitionerID: "67890"),
        "P3": Provider(providerID: "P3", familyName: "Nobody", givenName: "Ann", practitionerID: " "),
    ]
    static let panel = Panel(id: 1, name: "Dr Osler", number: "4001", facilityIDs: ["123"], practitionerIDs: ["P1"])

    static func patient(_ id: String, phn: String = "123425678", family: String = "Doe", given: String = "Jane",
                        dob: String? = "1980-05-01", gender: Gender? = .female, active: Bool = true,
                        unreadable: Bool = false) -> PatientRecord {
        PatientRecord(patientID: id, phn: phn, familyName: family, givenName: given, dob: dob.flatMap { CivilDate(iso: $0) },
                      gender: gender, isActive: active, mrpProviderID: "P1", line: 2, unreadable: unreadable)
    }

    static func member(_ p: PatientRecord?, id: String? = nil, lastVisit: String? = "2026-01-15",
                       confirmed: String? = "2025-06-01", issues: [InputIssue] = []) -> PanelMember {
        PanelMember(membership: Membership(patientID: id ?? p!.patientID, panelID: 1,
                                           confirmationDate: confirmed.flatMap { CivilDate(iso: $0) }),
                    patient: p, lastVisit: lastVisit.flatMap { CivilDate(iso: $0) }, issues: issues)
    }

    func run(_ members: [PanelMember], panel: Panel = panel, site: Site? = site, duplicates: Set<String> = [],
             policy: ValidationPolicy = ValidationPolicy()) -> PanelExtract {
        PanelValidator.validate(panel: panel, site: site, members: members, providers: Self.providers,
                                duplicatePHNs: duplicates, asOf: Self.asOf, policy: policy)
    }

    func reasons(_ m: PanelMember, duplicates: Set<String> = [], policy: ValidationPolicy = ValidationPolicy()) -> [ReasonCode] {
        let e = run([m], duplicates: duplicates, policy: policy)
        return e.excluded.first?.reasons ?? []
    }

    @Test func validPatientGoesIntoExtract() throws {
        let e = run([Self.member(Self.patient("A1", phn: "1234-25678"))])
        #expect(e.problems.isEmpty)
        #expect(e.isSubmittable)
        #expect(e.excluded.isEmpty && e.warnings.isEmpty)
        let p = try #require(e.patients.first)
        #expect(p == ExtractPatient(phn: "123425678", familyName: "Doe", givenName: "Jane",
                                    dob: CivilDate(iso: "1980-05-01")!, gender: .female,
                                    lastVisit: CivilDate(iso: "2026-01-15")!, confirmationDate: CivilDate(iso: "2025-06-01")!))
        #expect(e.asOf == Self.asOf)
        #expect(e.facilityIDs == ["000123"])
        #expect(e.practitioners == [ExtractPractitioner(practitionerID: "12345", familyName: "Osler", givenName: "William")])
    }

    @Test func eachRuleOnItsOwn() {
        typealias V = PanelValidatorTests
        #expect(reasons(V.member(V.patient("A", active: false))) == [.notActive])
        #expect(reasons(V.member(V.patient("A", phn: ""))) == [.missingPHN])
        #expect(reasons(V.member(V.patient("A", phn: "  "))) == [.missingPHN])
        #expect(reasons(V.member(V.patient("A", phn: "12345"))) == [.invalidPHN])
        #expect(reasons(V.member(V.patient("A", dob: nil))) == [.missingDOB])
        #expect(reasons(V.member(V.patient("A", family: ""))) == [.missingFamilyName])
        #expect(reasons(V.member(V.patient("A", family: "  "))) == [.missingFamilyName])
        #expect(reasons(V.member(V.patient("A", gender: nil))) == [.missingGender])
        #expect(reasons(V.member(V.patient("A"), lastVisit: nil)) == [.noLastVisit])
        #expect(reasons(V.member(V.patient("A"), lastVisit: "1970-01-01")) == [.lastVisitBeforeDOB])
        #expect(reasons(V.member(V.patient("A"), confirmed: nil)) == [.noConfirmationDate])
        #expect(reasons(V.member(V.patient("A")), duplicates: ["123425678"]) == [.duplicatePHN])
        #expect(reasons(V.member(V.patient("A", phn: "1234 25678")), duplicates: ["123425678"]) == [.duplicatePHN])
        #expect(reasons(V.member(V.patient("A", unreadable: true))) == [.unreadableRecord])
    }

    @Test func givenNameMayBeEmpty() {
        let e = run([Self.member(Self.patient("A", given: ""))])
        #expect(e.patients.count == 1)
    }

    @Test func everyApplicableCodeInDeclarationOrder() {
        let p = Self.patient("A", phn: "1234", family: "", dob: nil, gender: nil, active: false, unreadable: true)
        #expect(reasons(Self.member(p, lastVisit: nil, confirmed: nil)) ==
                [.notActive, .invalidPHN, .missingDOB, .missingFamilyName, .missingGender, .noLastVisit,
                 .noConfirmationDate, .unreadableRecord])
        let q = Self.patient("B", phn: "123415678", dob: "2000-01-01", active: false)
        #expect(reasons(Self.member(q, lastVisit: "1999-12-31"), duplicates: ["123415678"],
                        policy: ValidationPolicy(phnCheckDigit: .reject)) ==
                [.notActive, .phnCheckDigit, .lastVisitBeforeDOB, .duplicatePHN])
    }

    @Test func lastVisitBeforeDOBNeedsBoth() {
        #expect(reasons(Self.member(Self.patient("A", dob: nil), lastVisit: "1900-01-01")) == [.missingDOB])
        #expect(reasons(Self.member(Self.patient("A"), lastVisit: nil)) == [.noLastVisit])
        // Same day is fine.
        #expect(run([Self.member(Self.patient("A", dob: "2026-01-15"), lastVisit: "2026-01-15")]).patients.count == 1)
    }

    @Test func unknownPatientGetsOnlyItsCodes() {
        let e = run([Self.member(nil, id: "GHOST", confirmed: nil), Self.member(nil, id: "GHOST2", lastVisit: nil)],
                    duplicates: ["123425678"])
        #expect(e.excluded == [PatientFinding(patientID: "GHOST", reasons: [.noConfirmationDate, .unknownPatient]),
                               PatientFinding(patientID: "GHOST2", reasons: [.unknownPatient])])
        #expect(e.problems == [.noValidPatients])
    }

    @Test func checkDigitWarnsByDefault() {
        let bad = Self.patient("W", phn: "123415678")
        let badAndInactive = Self.patient("X", phn: "987655432", active: false)
        let e = run([Self.member(bad), Self.member(badAndInactive)])
        #expect(e.patients.map(\.phn) == ["123415678"])
        #expect(e.excluded == [PatientFinding(patientID: "X", reasons: [.notActive])])
        #expect(e.warnings == [PatientFinding(patientID: "W", reasons: [.phnCheckDigit]),
                               PatientFinding(patientID: "X", reasons: [.phnCheckDigit])])
    }

    @Test func checkDigitRejectsWhenConfigured() {
        let e = run([Self.member(Self.patient("W", phn: "123415678"))], policy: ValidationPolicy(phnCheckDigit: .reject))
        #expect(e.patients.isEmpty)
        #expect(e.warnings.isEmpty)
        #expect(e.excluded == [PatientFinding(patientID: "W", reasons: [.phnCheckDigit])])
    }

    @Test func checkDigitNotJudgedForMalformedPHN() {
        let e = run([Self.member(Self.patient("A", phn: "12341567"))])
        #expect(e.warnings.isEmpty)
        #expect(e.excluded.first?.reasons == [.invalidPHN])
    }

    @Test func ordering() {
        let members = [
            Self.member(Self.patient("9", phn: "987645432")),
            Self.member(Self.patient("10", phn: "100070001")),
            Self.member(Self.patient("2", phn: "123425678")),
            Self.member(Self.patient("b", phn: "")),
            Self.member(Self.patient("B", phn: "")),
            Self.member(Self.patient("10x", phn: "")),
            Self.member(Self.patient("W2", phn: "190010000")),
            Self.member(Self.patient("W1", phn: "190020000")),
        ]
        let e = run(members)
        #expect(e.patients.map(\.phn) == ["100070001", "123425678", "190010000", "190020000", "987645432"])
        #expect(e.excluded.map(\.patientID) == ["10x", "B", "b"])
        #expect(e.warnings.map(\.patientID) == ["W1", "W2"])
    }

    /// Without a duplicate check, patients sharing a PHN stay valid and come out in patient_id byte order.
    @Test func equalPHNsAreOrderedByPatientID() {
        let members = ["c", "B", "a", "D"].map { Self.member(Self.patient($0, phn: "123425678", given: $0)) }
            + [Self.member(Self.patient("z", phn: "100070001", given: "z"))]
        #expect(run(members).patients.map(\.givenName) == ["z", "B", "D", "a", "c"])
    }

    @Test func duplicateValuesMatchNineDigitPHNsOnly() {
        let values = DuplicatePHN.Values(["123425678", "000000001", "12345", "abcdefghi", ""])
        #expect(values.contains(123_425_678) && values.contains(1))
        #expect(!values.contains(12345) && !values.contains(0) && !values.contains(123_425_679))
        #expect(DuplicatePHN.Values([]).isEmpty && !values.isEmpty)
    }

    @Test func issuesTravelWithFindings() {
        let issue = InputIssue(file: "patients.csv", line: 7, field: "dob", message: "not a date (YYYY-MM-DD)", recordID: "A")
        let e = run([Self.member(Self.patient("A", dob: nil), issues: [issue]),
                     Self.member(Self.patient("W", phn: "123415678"), issues: [issue])])
        #expect(e.excluded == [PatientFinding(patientID: "A", reasons: [.missingDOB], issues: [issue])])
        #expect(e.warnings == [PatientFinding(patientID: "W", reasons: [.phnCheckDigit], issues: [issue])])
    }

    @Test func goodPanelHasNoProblems() {
        #expect(run([Self.member(Self.patient("A"))]).problems == [])
    }

    @Test func siteProblems() {
        let m = [Self.member(Self.patient("A"))]
        #expect(run(m, site: nil).problems == [.siteNotConfigured])
        #expect(run(m, site: Site(name: "", siteID: "S1")).problems == [.siteNotConfigured])
        #expect(run(m, site: Site(name: "Clinic", siteID: " ")).problems == [.siteNotConfigured])
    }

    @Test func panelNameLength() {
        let m = [Self.member(Self.patient("A"))]
        var p = Self.panel
        p.name = String(repeating: "é", count: 255)
        #expect(run(m, panel: p).problems == [])
        p.name = String(repeating: "n", count: 256)
        #expect(run(m, panel: p).problems == [.panelNameTooLong])
    }

    @Test func panelNumber() {
        let m = [Self.member(Self.patient("A"))]
        var p = Self.panel
        for ok in ["1", "0123456789"] { p.number = ok; #expect(run(m, panel: p).problems == [], "\(ok)") }
        for bad in ["12345678901", "12a", "-1", " 12", "１２"] {
            p.number = bad; #expect(run(m, panel: p).problems == [.invalidPanelNumber], "\(bad)")
        }
        p.number = nil
        #expect(run(m, panel: p).problems == [.invalidPanelNumber])
        p.number = ""
        #expect(run(m, panel: p).problems == [.invalidPanelNumber])
        p.cparEnabled = false
        #expect(run(m, panel: p).problems == [])
        p.number = "x"
        #expect(run(m, panel: p).problems == [.invalidPanelNumber])
    }

    @Test func facilities() {
        let m = [Self.member(Self.patient("A"))]
        var p = Self.panel
        p.facilityIDs = []
        #expect(run(m, panel: p).problems == [.noFacility])
        p.facilityIDs = ["1", "12a", "12345678901234567890"]
        let e = run(m, panel: p)
        #expect(e.problems == [.invalidFacilityID])
        #expect(e.facilityIDs == ["000001", "00012a", "12345678901234567890"])
        p.facilityIDs = ["123456789012345678901"]
        #expect(run(m, panel: p).problems == [.invalidFacilityID])
    }

    @Test func practitioners() {
        let m = [Self.member(Self.patient("A"))]
        var p = Self.panel
        p.practitionerIDs = []
        #expect(run(m, panel: p).problems == [.noPractitioner])
        p.practitionerIDs = ["P2", "UNKNOWN", "P1"]
        let e = run(m, panel: p)
        #expect(e.problems == [.practitionerWithoutID])
        #expect(e.practitioners.map(\.practitionerID) == ["67890", "12345"])
        p.practitionerIDs = ["P1", "P3"]
        #expect(run(m, panel: p).problems == [.practitionerWithoutID])
    }

    @Test func noValidPatients() {
        #expect(run([]).problems == [.noValidPatients])
        #expect(run([Self.member(Self.patient("A", active: false))]).problems == [.noValidPatients])
    }

    @Test func failPolicy() {
        let fail = ValidationPolicy(invalidPatients: .fail)
        let good = Self.member(Self.patient("A"))
        let bad = Self.member(Self.patient("B", active: false))
        #expect(run([good], policy: fail).problems == [])
        #expect(run([good, bad], policy: fail).problems == [.invalidPatients])
        #expect(run([bad], policy: fail).problems == [.noValidPatients, .invalidPatients])
        #expect(run([good, bad]).problems == [])
        // A check-digit warning is not an invalid patient.
        #expect(run([good, Self.member(Self.patient("W", phn: "123415678"))], policy: fail).problems == [])
    }

    @Test func allPanelProblemsInOrder() {
        let p = Panel(id: 1, name: String(repeating: "x", count: 300), number: "abc", facilityIDs: [], practitionerIDs: [])
        #expect(run([Self.member(Self.patient("B", active: false))], panel: p, site: nil,
                    policy: ValidationPolicy(invalidPatients: .fail)).problems ==
                [.siteNotConfigured, .panelNameTooLong, .invalidPanelNumber, .noFacility, .noPractitioner,
                 .noValidPatients, .invalidPatients])
        #expect(PanelProblem.allCases.sorted() == PanelProblem.allCases)
    }
}

@Suite struct DuplicatePHNTests {
    func p(_ id: String, _ phn: String) -> PatientRecord {
        PatientRecord(patientID: id, phn: phn, familyName: "F", givenName: "G", dob: nil, gender: nil,
                      isActive: true, mrpProviderID: "")
    }

    @Test func findsPHNsHeldByDistinctPatients() {
        let patients = [p("1", "123425678"), p("2", "1234-25678"), p("3", "987645432"), p("4", "000000000"),
                        p("5", "000 000 000"), p("6", "000000000"), p("7", "100070001")]
        #expect(DuplicatePHN.find(patients) == ["123425678", "000000000"])
    }

    @Test func samePatientTwiceIsNotADuplicate() {
        #expect(DuplicatePHN.find([p("1", "123425678"), p("1", "123425678")]).isEmpty)
        #expect(DuplicatePHN.find([p("1", "123425678"), p("1", "123425678"), p("2", "123425678")]) == ["123425678"])
    }

    @Test func malformedAndMissingPHNsAreNotCompared() {
        #expect(DuplicatePHN.find([p("1", ""), p("2", ""), p("3", "12345"), p("4", "12345")]).isEmpty)
    }

    @Test func badCheckDigitsStillCompared() {
        #expect(DuplicatePHN.find([p("1", "123415678"), p("2", "123415678")]) == ["123415678"])
    }

    @Test func largeInput() {
        var patients = (0..<50_000).map { i in p("P\(i)", PHN.withCheckDigit(body8: String(10_000_000 + i))) }
        patients.append(p("X", patients[31_337].phn))
        #expect(DuplicatePHN.find(patients) == [patients[31_337].phn])
    }
}

@Suite struct ReasonSetTests {
    @Test func listsCodesInDeclarationOrder() {
        for c in ReasonCode.allCases {
            #expect(ReasonSet([c]).codes == [c])
            #expect(ReasonSet([c]).contains(c))
        }
        #expect(ReasonSet(ReasonCode.allCases.reversed()).codes == ReasonCode.allCases)
        #expect(ReasonSet().isEmpty && ReasonSet().codes == [])
        #expect(ReasonCode.allCases.sorted() == ReasonCode.allCases)
    }
}
