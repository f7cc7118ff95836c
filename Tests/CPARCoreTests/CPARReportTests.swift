import Testing
@testable import CPARCore

@Suite("§14 CPAR report headers, dates and mismatch codes")
struct CPARReportTests {
    func columns(_ header: [String], _ kind: CPARReportKind = .conflict,
                 map: [String] = []) throws -> [CPARReportField: Int] {
        try CPARReportHeader.columns(header, kind: kind, file: "r.csv",
                                     overrides: CPARReportHeader.parseMaps(map, kind: kind))
    }

    /// Every synonym of §14, written as portals write headers: any case, spaces, underscores, punctuation.
    @Test(arguments: [
        (CPARReportField.phn, ["phn", "uli", "personal health number", "health number"]),
        (.familyName, ["family name", "last name", "surname"]),
        (.givenName, ["given name", "first name"]),
        (.birthDate, ["dob", "date of birth", "birth date"]),
        (.gender, ["gender", "sex"]),
        (.panel, ["panel", "panel number", "panel id"]),
        (.otherPanel, ["conflicting panel", "other panel", "conflict panel"]),
        (.otherProvider, ["conflicting provider", "other provider"]),
    ])
    func everySynonymIsFound(field: CPARReportField, synonyms: [String]) throws {
        for synonym in synonyms {
            for variant in [synonym, synonym.uppercased(), synonym.replacingSpaces(with: "_"),
                            " " + synonym.capitalizedWords + ":", synonym.replacingSpaces(with: "-") + " (#)"] {
                let header = field == .phn ? ["Row", variant] : ["Row", "PHN", variant]
                let found = try columns(header)
                #expect(found[field] == (field == .phn ? 1 : 2), "\(variant)")
            }
        }
    }

    @Test func phnIsRequiredAndOtherFieldsAreOptional() throws {
        #expect(throws: CPARReportHeaderError.missingPHN(file: "r.csv")) { try columns(["Surname", "DOB"]) }
        let found = try columns(["ULI"], .mismatch)
        #expect(found == [.phn: 0])
    }

    @Test func twoCandidateColumnsAreAnErrorUnlessMapped() throws {
        #expect(throws: CPARReportHeaderError.ambiguous(file: "r.csv", field: .phn, columns: [1, 3])) {
            try columns(["PHN", "Surname", "ULI"])
        }
        let mapped = try columns(["PHN", "Surname", "ULI"], map: ["phn=ULI"])
        #expect(mapped[.phn] == 2)
        #expect("\(CPARReportHeaderError.ambiguous(file: "r.csv", field: .phn, columns: [1, 3]))".contains("--map phn="))
    }

    @Test func mapOverridesSynonymsAndNamesAnyHeader() throws {
        let found = try columns(["Client No", "Nom", "Prénom", "Née", "Other Panel", "Clinic Panel"],
                                map: ["phn=client no", "family_name=Nom", "given-name=PRÉNOM", "dob=Née",
                                      "other_panel=Clinic Panel"])
        #expect(found[.phn] == 0 && found[.familyName] == 1 && found[.givenName] == 2 && found[.birthDate] == 3)
        #expect(found[.otherPanel] == 5, "--map wins over the synonym column")
        #expect(throws: CPARReportHeaderError.unknownField("shoe_size")) { try columns(["PHN"], map: ["shoe_size=X"]) }
        #expect(throws: CPARReportHeaderError.badMap("phn")) { try columns(["PHN"], map: ["phn"]) }
        #expect(throws: CPARReportHeaderError.fieldNotInKind(.otherPanel, .mismatch)) {
            try columns(["PHN"], .mismatch, map: ["other_panel=X"])
        }
        #expect(throws: CPARReportHeaderError.mappedColumnMissing(file: "r.csv", field: .phn, header: "Card")) {
            try columns(["PHN"], map: ["phn=Card"])
        }
    }

    @Test func mismatchReportsDoNotLookForConflictColumns() throws {
        let found = try columns(["PHN", "Other Panel"], .mismatch)
        #expect(found[.otherPanel] == nil)
    }

    @Test(arguments: [("1985-03-05", "1985-03-05"), ("1985/03/05", "1985-03-05"), ("05-Mar-1985", "1985-03-05"),
                      ("5-MAR-1985", "1985-03-05"), ("29-feb-2024", "2024-02-29"), ("31-Dec-1999", "1999-12-31")])
    func reportDateFormats(text: String, iso: String) {
        #expect(CivilDate(reportText: text) == CivilDate(iso: iso))
    }

    @Test(arguments: ["1985-3-5", "1985/03-05", "05/03/1985", "05-March-1985", "29-Feb-2023", "1985-13-01",
                      "05-Mar-85", "", "19850305", "005-Mar-1985"])
    func unreadableReportDates(text: String) {
        #expect(CivilDate(reportText: text) == nil)
    }

    let emr = PatientRecord(patientID: "P1", phn: "123456782", familyName: "O'Neil", givenName: "Siobhán",
                            dob: CivilDate(iso: "1970-01-02"), gender: .female, isActive: true, mrpProviderID: "DR1")

    @Test func eachMismatchCode() {
        typealias R = DemographicMismatch.Reported
        let dob = CivilDate(iso: "1970-01-02")
        #expect(DemographicMismatch.codes(reported: R(familyName: "ONEILL"), emr: emr) == [.familyName])
        #expect(DemographicMismatch.codes(reported: R(givenName: "SIOBHAIN"), emr: emr) == [.givenName])
        #expect(DemographicMismatch.codes(reported: R(birthDate: CivilDate(iso: "1970-01-03")), emr: emr) == [.dob])
        #expect(DemographicMismatch.codes(reported: R(gender: .some(.male)), emr: emr) == [.gender])
        #expect(DemographicMismatch.codes(reported: R(gender: .some(nil)), emr: emr) == [.gender], "U is not F")
        #expect(DemographicMismatch.codes(reported: R(birthDate: dob), emr: emr, matchedByPHN: false) == [.phn])
        #expect(DemographicMismatch.codes(reported: R(familyName: "Smith", givenName: "Ann",
                                                      birthDate: CivilDate(iso: "1999-01-01"), gender: .some(.male)),
                                          emr: emr, matchedByPHN: false)
                == [.familyName, .givenName, .dob, .gender, .phn])
    }

    @Test func theEMRAgreeingGivesUnspecified() {
        let r = DemographicMismatch.Reported(familyName: "ONEIL", givenName: "siobhan",
                                             birthDate: CivilDate(iso: "1970-01-02"), gender: .some(.female))
        #expect(DemographicMismatch.codes(reported: r, emr: emr) == [.unspecified])
        #expect(DemographicMismatch.codes(reported: .init(), emr: emr) == [.unspecified], "nothing to compare")
        var noDOB = emr
        noDOB.dob = nil
        #expect(DemographicMismatch.codes(reported: r, emr: noDOB) == [.dob], "a date against an empty EMR field")
    }

    @Test func namesCompareWithoutCaseAccentsOrPunctuation() {
        #expect(DemographicMismatch.sameName("Muñoz-Sørensen", "MUNOZ SØRENSEN"))
        #expect(DemographicMismatch.sameName("Côté", "cote"))
        #expect(DemographicMismatch.sameName("D'Souza", "D SOUZA"))
        #expect(!DemographicMismatch.sameName("Smith-Jones", "Smith"))
        #expect(!DemographicMismatch.sameName("Lee", ""))
    }

    @Test func reportGenders() {
        #expect(DemographicMismatch.gender("Female") == .some(.female))
        #expect(DemographicMismatch.gender("m") == .some(.male))
        #expect(DemographicMismatch.gender("X") == .some(.other))
        #expect(DemographicMismatch.gender("U") == .some(nil))
        #expect(DemographicMismatch.gender("?") == nil)
    }

    @Test func otherPanelAndProviderAreBoundedAndNeverAPatientValue() {
        let row = ["123456782", "O'Neil", "Siobhán", "1970-01-02"]
        #expect(ReportIdentifier.scrub(" 8100004242 ", rowValues: row) == "8100004242")
        #expect(ReportIdentifier.scrub("Dr. O'Connor, Patrick", rowValues: row) == "Dr. O'Connor, Patrick")
        #expect(ReportIdentifier.scrub("12345-6782", rowValues: row) == nil, "the row's PHN")
        #expect(ReportIdentifier.scrub("ONEIL", rowValues: row) == nil, "the row's family name")
        #expect(ReportIdentifier.scrub("02-Jan-1970", rowValues: row) == nil, "a date")
        #expect(ReportIdentifier.scrub("<script>", rowValues: row) == nil)
        #expect(ReportIdentifier.scrub(String(repeating: "9", count: 65), rowValues: row) == nil)
        #expect(ReportIdentifier.scrub("a\nb", rowValues: row) == nil)
    }
}

@Suite("§14 panel hygiene and ages")
struct PanelHygieneTests {
    let asOf = CivilDate(iso: "2026-11-15")!
    func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    @Test func figuresOnKnownData() {
        let members: [PanelHygiene.Member] = [
            .init(confirmation: d("2026-01-01"), lastVisit: d("2026-10-01")),   // fresh, seen
            .init(confirmation: d("2023-11-15"), lastVisit: d("2023-11-15")),   // exactly 3 years: still fresh / seen
            .init(confirmation: d("2023-11-14"), lastVisit: d("2023-11-14")),   // a day older: stale, not seen
            .init(confirmation: nil, lastVisit: nil),                           // no confirmation, never seen
            .init(confirmation: d("2020-05-05"), lastVisit: d("2025-05-05")),   // stale, seen
        ]
        let h = PanelHygiene.compute(members: members, valid: 3, asOf: asOf, confirmationMaxAge: .years(3),
                                     visitMaxAge: .years(3), openConflicts: 2, openMismatches: 1,
                                     lastSubmitted: .init(date: d("2026-10-07"), patients: 5))
        #expect(h.members == 5 && h.valid == 3)
        #expect(h.confirmedRecently == 2 && h.staleConfirmations == 2 && h.noConfirmation == 1)
        #expect(h.confirmationRate == 0.4)
        #expect(h.notSeen == 1 && h.neverSeen == 1)
        #expect(h.openConflicts == 2 && h.openMismatches == 1)
        #expect(h.changeSinceSubmitted == -2)
        let days = PanelHygiene.compute(members: members, valid: 3, asOf: asOf, confirmationMaxAge: .days(365),
                                        visitMaxAge: .days(10))
        #expect(days.staleConfirmations == 3 && days.notSeen == 4 && days.changeSinceSubmitted == nil)
        #expect(PanelHygiene.compute(members: [], valid: 0, asOf: asOf, confirmationMaxAge: .years(3),
                                     visitMaxAge: .years(3)).confirmationRate == 0)
    }

    @Test func ageLimitsParseAndCountCalendarYears() {
        #expect(AgeLimit(config: "3y") == .years(3))
        #expect(AgeLimit(config: "1095d") == .days(1095))
        #expect(AgeLimit(config: "1095") == .days(1095), "a bare number counts days here")
        #expect(AgeLimit(config: "26280h") == .days(1095))
        #expect(AgeLimit(config: "12h") == nil, "under a day")
        #expect(AgeLimit(config: "94608000") == nil)
        #expect(AgeLimit(config: "0y") == nil && AgeLimit(config: "101y") == nil && AgeLimit(config: "y") == nil)
        #expect(AgeLimit(config: "36526d") == nil)
        #expect(AgeLimit.years(3).cutoff(asOf: d("2028-02-29")) == d("2025-02-28"))
        #expect(AgeLimit.years(1).cutoff(asOf: d("2026-03-01")) == d("2025-03-01"))
        #expect(AgeLimit.days(10).cutoff(asOf: d("2026-03-01")) == d("2026-02-19"))
    }

    @Test func hygieneConfigKeys() throws {
        let base = "emr.data_dir = /e\nstate.dir = /s\nspool.dir = /p\n"
        let c = try ConfigParser.parse(base + "hygiene.confirmation_max_age = 2y\nhygiene.visit_max_age = 400d\n",
                                       file: "c.conf")
        #expect(c.hygieneConfirmationMaxAge == .years(2) && c.hygieneVisitMaxAge == .days(400))
        #expect(try ConfigParser.parse(base, file: "c.conf").hygieneVisitMaxAge == .years(3))
        #expect(throws: ConfigError.self) { try ConfigParser.parse(base + "hygiene.visit_max_age = soon\n", file: "c") }
        #expect(ConfigDuration.seconds("1y") == 365 * 86400)
    }

    @Test func theAuditUserIsSudoUserFirst() {
        #expect(AuditActor.invokingUser(environment: ["SUDO_USER": "alice", "USER": "root"], uid: 0,
                                        loginName: "root") == "alice")
        #expect(AuditActor.invokingUser(environment: ["USER": "mallory"], uid: 1000, loginName: "bob") == "bob")
        #expect(AuditActor.invokingUser(environment: ["USER": "carol"], uid: 1000, loginName: nil) == "carol")
        #expect(AuditActor.invokingUser(environment: [:], uid: 1234, loginName: nil) == "uid 1234")
    }
}

extension String {
    func replacingSpaces(with s: String) -> String { split(separator: " ").joined(separator: s) }
    var capitalizedWords: String { split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ") }
}
