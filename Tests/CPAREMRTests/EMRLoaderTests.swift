import CPARCore
import CPAREMR
import Foundation
import Testing

@Suite("EMRLoader")
struct EMRLoaderTests {
    @Test func readsPatientsProvidersAndIgnoresExtraColumns() throws {
        let dir = try emrDir(
            patients: "chart,patient_id,phn,family_name,given_name,dob,gender,status,mrp_provider_id,postal\n"
                + "c1,P1,123456789,\"Smith, Jr.\",\"Mary\nAnne\",1980-01-02,F,Active,PR1,T2N\n"
                + "c2, P2 ,,O'Neil,Siobhán,,x,ACTIVE,PR2,T3A\n")
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(Array(s.patients) == [
            PatientRecord(patientID: "P1", phn: "123456789", familyName: "Smith, Jr.", givenName: "Mary\nAnne",
                          dob: day("1980-01-02"), gender: .female, isActive: true, mrpProviderID: "PR1", line: 2),
            PatientRecord(patientID: "P2", phn: "", familyName: "O'Neil", givenName: "Siobhán", dob: nil,
                          gender: .other, isActive: true, mrpProviderID: "PR2", line: 4),
        ])
        #expect(s.patientIndex["P2"] == 1)
        #expect(s.patientIndex["P3"] == nil)
        #expect(s.patientIndex.count == 2)
        #expect(s.patient("P1")?.familyName == "Smith, Jr.")
        #expect(s.providers["PR1"] == Provider(providerID: "PR1", familyName: "Lee", givenName: "Ann", practitionerID: "123456"))
        #expect(s.providers["PR2"]?.practitionerID == "")
        #expect(s.issues.isEmpty)
        #expect(s.issueCount == 0)
    }

    @Test func statusRules() throws {
        let rows = ["active", "ACTIVE", " Active ", "inactive", "", "deceased", "actives"]
        var csv = patientHeader
        for (i, status) in rows.enumerated() { csv += "P\(i),123456789,F,G,1980-01-01,M,\(status),PR1\n" }
        let dir = try emrDir(patients: csv)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patients.map(\.isActive) == [true, true, true, false, false, false, false])
    }

    /// Appointment statuses: only cancelled/canceled and no_show/no show, in any case, do not count as a visit;
    /// near misses (other lengths, other separators, other letters) do.
    @Test func appointmentStatusRules() throws {
        let statuses = [("completed", true), ("Cancelled", false), ("CANCELED", false), ("canceled ", false),
                        ("no_show", false), ("No Show", false), ("NO_SHOW", false), ("no-show", true),
                        ("noshow", true), ("cancelle", true), ("cancelledx", true), ("canc", true), ("", true),
                        ("no shows", true), ("Booked", true), ("ca", true), ("n", true), ("canceleD", false),
                        ("cAncelled", false), ("nO sHoW", false), ("ca_celed", true), ("no_shov", true)]
        var patients = patientHeader, appointments = "appointment_id,patient_id,provider_id,date,status\n"
        for (i, (status, _)) in statuses.enumerated() {
            patients += "P\(i),123456789,F,G,1980-01-01,M,active,PR1\n"
            appointments += "A\(i),P\(i),PR1,2026-01-02,\(status)\n"
        }
        let dir = try emrDir(patients: patients, appointments: appointments)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        for (i, (status, counts)) in statuses.enumerated() {
            #expect((s.lastVisit(ofPatientAt: i) != nil) == counts, "status '\(status)'")
        }
    }

    @Test func genderRules() throws {
        let values = ["M", "f", "x", "X", "", "U", "u", " m ", "Q", "Female"]
        var csv = patientHeader
        for (i, g) in values.enumerated() { csv += "P\(i),123456789,F,G,1980-01-01,\(g),active,PR1\n" }
        let dir = try emrDir(patients: csv)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patients.map(\.gender) == [.male, .female, .other, .other, nil, nil, nil, .male, nil, nil])
        #expect(s.issues == [
            InputIssue(file: "patients.csv", line: 10, field: "gender", message: "not M, F, X or U", recordID: "P8"),
            InputIssue(file: "patients.csv", line: 11, field: "gender", message: "not M, F, X or U", recordID: "P9"),
        ])
        #expect(s.issues(forPatientAt: 8) == [s.issues[0]])
        #expect(s.issues(forPatientAt: 0).isEmpty)
    }

    @Test func badAndEmptyBirthDates() throws {
        let csv = patientHeader + "P1,1,F,G,,M,active,PR1\nP2,1,F,G,1985-02-30,M,active,PR1\nP3,1,F,G,03/04/1985,M,active,PR1\n"
        let dir = try emrDir(patients: csv)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patients.map(\.dob) == [nil, nil, nil])
        #expect(s.issues.map(\.line) == [3, 4])
        #expect(s.issues.allSatisfy { $0.field == "dob" && $0.file == "patients.csv" })
        #expect(s.issues.map(\.recordID) == ["P2", "P3"])
        // Messages never carry the value.
        #expect(s.issues.allSatisfy { !$0.description.contains("1985") })
        #expect(s.issues[0].description == "patients.csv:3: field 'dob': not a date (YYYY-MM-DD)")
    }

    @Test func aNameXMLCannotCarryMakesTheRecordUnreadable() throws {
        let csv = patientHeader + "P1,123456789,Fam\u{01}ily,G,1980-01-01,M,active,PR1\n"
            + "P2,123456789,Family,Gi\u{0B}ven,1980-01-01,M,active,PR1\n"
            + "P3,123456789,\"Tab\tand\nnewline\",G,1980-01-01,M,active,PR1\n"
        let dir = try emrDir(patients: csv)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patients.map(\.unreadable) == [true, true, false])
        #expect(s.issues.map(\.field) == ["family_name", "given_name"])
        #expect(s.issues.map(\.line) == [2, 3])
        #expect(s.issues.allSatisfy { $0.message == "contains a control character that XML cannot carry" })
    }

    @Test func wrongFieldCountMakesAnUnreadableRecordAndTheRunContinues() throws {
        let csv = patientHeader
            + "P1,123456789,Short,Row,1980-01-01,M,active\n"          // short, ID present
            + "P2,123456789,Long,Row,1980-01-01,M,active,PR1,extra\n"  // long
            + "\n"
            + ",,\n"                                                  // short, no ID
            + "P3,1,\"bad\"quote,G,1980-01-01,M,active,PR1\n"          // stray quote
            + "P4,123456789,Fine,Row,1980-01-01,F,active,PR1\n"
        let dir = try emrDir(patients: csv)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patients.map(\.patientID) == ["P1", "P2", "P3", "P4"])
        #expect(s.patients.map(\.unreadable) == [true, true, true, false])
        #expect(s.patients.map(\.line) == [2, 3, 6, 7])
        #expect(s.patients[0].familyName == "Short" && s.patients[0].mrpProviderID == "")
        #expect(s.issues.map(\.line) == [2, 3, 5, 6])
        #expect(s.issues.map(\.recordID) == ["P1", "P2", nil, "P3"])
        #expect(s.issues[0].message == "expected 8 fields (as in the header), found 7")
        #expect(s.issues[2].message.hasSuffix("row skipped"))
        #expect(s.issues[3].message.contains("stray quote"))
        #expect(s.issues(forPatientAt: 0) == [s.issues[0]])
        #expect(s.patientIndex["P1"] == 0)
    }

    @Test func duplicatePatientIDFirstWins() throws {
        let csv = patientHeader + "P1,111111111,First,G,1980-01-01,M,active,PR1\nP2,1,F,G,1980-01-01,M,active,PR1\n"
            + "P1,222222222,Second,G,1980-01-01,M,active,PR1\n"
        let dir = try emrDir(patients: csv)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patients.count == 3)
        #expect(s.patientIndex["P1"] == 0)
        #expect(s.patientIndex.count == 2)
        #expect(s.issues == [InputIssue(file: "patients.csv", line: 4, field: "patient_id",
                                        message: "duplicate patient_id; the row on line 2 is used", recordID: "P1")])
        #expect(s.issues(forPatientAt: 2).count == 1)
    }

    /// Enough patients for the index's prefetch ring (each key inserted 32 keys of its partition after it is met)
    /// to run full: the first row of an ID wins whether its repeat comes two rows later or hundreds.
    @Test func duplicatePatientIDFirstWinsAtEveryDistance() throws {
        var ids = (1...600).map { "P\($0)" }
        for at in stride(from: 590, through: 10, by: -50) { ids.insert("P\(at - 2)", at: at) }   // two rows after
        ids += ["P1", "P100", "P300", "P599", "P40"]                                          // hundreds after
        var firstRow: [String: Int] = [:], repeats: [(row: Int, first: Int)] = []
        for (row, id) in ids.enumerated() {
            if let first = firstRow[id] { repeats.append((row, first)) } else { firstRow[id] = row }
        }
        #expect(repeats.count == 17)
        let csv = patientHeader + ids.map { "\($0),1,F,G,1980-01-01,M,active,PR1\n" }.joined()
        let dir = try emrDir(patients: csv)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patientIndex.count == firstRow.count)
        for (id, row) in firstRow { #expect(s.patientIndex[id] == row, "\(id)") }
        #expect(s.issues == repeats.map { r in
            InputIssue(file: "patients.csv", line: r.row + 2, field: "patient_id",
                       message: "duplicate patient_id; the row on line \(r.first + 2) is used", recordID: ids[r.row])
        })
    }

    @Test func lastVisitIsTheLatestCountingAppointmentUpToAsOf() throws {
        let patients = patientHeader + (1...6).map { "P\($0),1,F,G,1950-01-01,M,active,PR1\n" }.joined()
        let appointments = """
            appointment_id,patient_id,provider_id,date,status
            A1,P1,PR1,2026-01-10,completed
            A2,P1,PR2,2026-03-01,billed
            A3,P1,PR1,2026-02-01,completed
            A4,P2,PR1,2026-05-01,Cancelled
            A5,P2,PR1,2026-04-01,CANCELED
            A6,P2,PR1,2026-03-01,no show
            A7,P2,PR1,2026-02-01, No_Show\u{20}
            A8,P2,PR1,2025-12-24,booked
            A9,P3,PR1,2026-11-01,completed
            A10,P3,PR1,2026-10-31,
            A11,P4,PR9,2026-06-30,completed
            A12,P5,PR1,2026-12-01,completed
            A13,P5,PR1,2026-07-04,cancelled
            A14,P99,PR1,2026-09-09,completed

            """
        let dir = try emrDir(patients: patients, appointments: appointments)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: day("2026-10-31"))
        #expect(s.lastVisit(ofPatientAt: 0) == day("2026-03-01"))   // another provider counts
        #expect(s.lastVisit(ofPatientAt: 1) == day("2025-12-24"))   // cancelled variants ignored
        #expect(s.lastVisit(ofPatientAt: 2) == day("2026-10-31"))   // on the as-of date counts; after it does not
        #expect(s.lastVisit(ofPatientAt: 3) == day("2026-06-30"))   // unknown provider still counts
        #expect(s.lastVisit(ofPatientAt: 4) == nil)                 // only future or cancelled
        #expect(s.lastVisit(ofPatientAt: 5) == nil)                 // none at all
        #expect(s.issues.isEmpty)
        #expect(s.statistics.appointmentRows == 14)
        let earlier = try EMRLoader.load(dataDir: dir.path, asOf: day("2026-02-15"))
        #expect(earlier.lastVisit(ofPatientAt: 0) == day("2026-02-01"))
    }

    /// Appointments in patients.csv order take a shortcut past the hash; a duplicate patient_id must still get
    /// its visits on the first row with that ID.
    @Test func groupedAppointmentsWithDuplicatePatientIDs() throws {
        let patients = patientHeader + ["P1", "P2", "P1", "P3", "P4"].map { "\($0),1,F,G,1950-01-01,M,active,PR1\n" }.joined()
        let appointments = "appointment_id,patient_id,provider_id,date,status\n"
            + "A1,P1,PR1,2026-01-01,completed\nA2,P2,PR1,2026-01-02,completed\nA3,P1,PR1,2026-01-03,completed\n"
            + "A4,P3,PR1,2026-01-04,completed\nA5,P9,PR1,2026-01-05,completed\nA6,P4,PR1,2026-01-06,completed\n"
            + "A7,P3,PR1,2026-01-07,completed\n"
        let dir = try emrDir(patients: patients, appointments: appointments)
        for threads in 1...2 {
            let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault, threads: threads)
            #expect(s.lastVisit(ofPatientAt: 0) == day("2026-01-03"))
            #expect(s.lastVisit(ofPatientAt: 1) == day("2026-01-02"))
            #expect(s.lastVisit(ofPatientAt: 2) == nil)
            #expect(s.lastVisit(ofPatientAt: 3) == day("2026-01-07"))
            #expect(s.lastVisit(ofPatientAt: 4) == day("2026-01-06"))
        }
    }

    /// Appointments in any order (batched index lookups, the previous-row cache, long IDs) give the same last
    /// visits as a plain computation.
    @Test func lastVisitsInAnyOrderMatchANaiveComputation() throws {
        var seed: UInt64 = 99
        func next(_ bound: Int) -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) % bound }
        // IDs of several lengths: short, over the 32-byte batch key limit, over the 64-byte cache limit.
        let ids = (0..<150).map { i in
            i % 10 == 3 ? "LONG-" + String(repeating: "x", count: 40) + "\(i)"
                : i % 10 == 7 ? "VERYLONG-" + String(repeating: "y", count: 80) + "\(i)" : "P\(i)"
        }
        let patients = patientHeader + (ids + ["P5"]).map { "\($0),1,F,G,1950-01-01,M,active,PR1\n" }.joined()
        var rows = "appointment_id,patient_id,provider_id,date,status\n"
        var expected: [String: CivilDate] = [:]
        let asOf = day("2026-06-30")
        for n in 0..<3000 {
            let id = n % 11 == 0 ? "UNKNOWN\(n % 7)" : ids[next(ids.count)]
            let repeats = 1 + next(3)  // runs of the same patient exercise the previous-row cache
            for r in 0..<repeats {
                let date = CivilDate(year: 2025 + next(2), month: 1 + next(12), day: 1 + next(28))!
                let status = ["completed", "cancelled", "No Show", "billed"][next(4)]
                rows += "A\(n)-\(r),\(id),PR1,\(date),\(status)\n"
                if date <= asOf && (status == "completed" || status == "billed") && !id.hasPrefix("UNKNOWN") {
                    expected[id] = max(expected[id] ?? date, date)
                }
            }
        }
        let dir = try emrDir(patients: patients, appointments: rows)
        for threads in [1, 2, 3] {
            let s = try EMRLoader.load(dataDir: dir.path, asOf: asOf, threads: threads)
            for (i, id) in ids.enumerated() {
                #expect(s.lastVisit(ofPatientAt: i) == expected[id], "\(id)")
            }
            #expect(s.lastVisit(ofPatientAt: ids.count) == nil)  // the duplicate P5 row
        }
    }

    @Test func badAppointmentRowsAreSkippedWithAnIssue() throws {
        let patients = patientHeader + "P1,1,F,G,1950-01-01,M,active,PR1\n"
        let appointments = """
            appointment_id,patient_id,provider_id,date,status
            A1,P1,PR1,2026-02-30,completed
            A2,P1,PR1
            ,P1,PR1,20260101,completed
            A4,P1,PR1,2026-01-05,completed,extra
            A5,P1,PR1,2026-01-01,completed
            """
        let dir = try emrDir(patients: patients, appointments: appointments)
        let s = try EMRLoader.load(dataDir: dir.path,
                                   asOf: asOfDefault)
        #expect(s.lastVisit(ofPatientAt: 0) == day("2026-01-01"))
        #expect(s.issues.map(\.line) == [2, 3, 4, 5])
        #expect(s.issues.map(\.recordID) == ["A1", "A2", nil, "A4"])
        #expect(s.issues.map(\.field) == ["date", nil, "date", nil])
        #expect(s.issues.allSatisfy { $0.file == "appointments.csv" })
        #expect(s.issues(forPatientAt: 0).isEmpty)
        #expect(!s.issues.map(\.description).joined().contains("2026-02-30"))
    }

    @Test func missingColumnNamesFileAndColumn() throws {
        let dir = try emrDir(patients: "patient_id,phn,family_name,given_name,gender,status,mrp_provider_id\n")
        #expect(throws: EMRError.missingColumn(file: dir.path + "/patients.csv", column: "dob")) {
            try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        }
        let error = EMRError.missingColumn(file: dir.path + "/patients.csv", column: "dob")
        #expect(error.description.contains("patients.csv") && error.description.contains("'dob'"))
        // Case matters.
        let upper = try emrDir(patients: patientHeader.replacingOccurrences(of: "status", with: "Status"))
        #expect(throws: EMRError.missingColumn(file: upper.path + "/patients.csv", column: "status")) {
            try EMRLoader.load(dataDir: upper.path, asOf: asOfDefault)
        }
        let noVisits = try emrDir(patients: patientHeader, appointments: "appointment_id,patient_id,date,status\n")
        #expect(throws: EMRError.missingColumn(file: noVisits.path + "/appointments.csv", column: "provider_id")) {
            try EMRLoader.load(dataDir: noVisits.path, asOf: asOfDefault)
        }
    }

    @Test func missingAndEmptyFiles() throws {
        let dir = try emrDir(patients: patientHeader)
        try FileManager.default.removeItem(atPath: dir.path + "/appointments.csv")
        #expect(throws: EMRError.missingFile(dir.path + "/appointments.csv")) {
            try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        }
        try dir.write("appointments.csv", "")
        #expect(throws: EMRError.noHeader(dir.path + "/appointments.csv")) {
            try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        }
    }

    @Test func headerOnlyFilesLoadEmpty() throws {
        let dir = try emrDir(providers: "provider_id,family_name,given_name,practitioner_id", patients: patientHeader)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patients.isEmpty && s.providers.isEmpty && s.lastVisitDays.isEmpty && s.issues.isEmpty)
    }

    @Test func issuesAreBoundedButCounted() throws {
        var csv = patientHeader
        for i in 0..<50 { csv += "P\(i),1,F,G,not-a-date,M,active,PR1\n" }
        let dir = try emrDir(patients: csv)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault,
                                   options: EMRLoadOptions(maxIssues: 7))
        #expect(s.issues.count == 7)
        #expect(s.issueCount == 50)
        #expect(s.issues.map(\.line) == Array(2...8))
        #expect(s.patients.count == 50)
    }

    @Test func providerRowProblems() throws {
        let providers = "provider_id,family_name,given_name,practitioner_id\nPR1,Lee,Ann,1\nPR1,Dup,X,2\n,No,Id,3\nPR3,Short\n"
        let dir = try emrDir(providers: providers, patients: patientHeader)
        let s = try EMRLoader.load(dataDir: dir.path,
                                   asOf: asOfDefault)
        #expect(s.providers.keys.sorted() == ["PR1"])
        #expect(s.providers["PR1"]?.familyName == "Lee")
        #expect(s.issues.map(\.line) == [3, 4, 5])
        #expect(s.issues.allSatisfy { $0.file == "providers.csv" })
    }
}

@Suite("EMRSnapshot in memory")
struct EMRSnapshotTests {
    @Test func buildsIndexVisitsAndIssueOwners() {
        let patients = ["P1", "P2", "P1"].enumerated().map { i, id in
            PatientRecord(patientID: id, phn: "1", familyName: "F\(i)", givenName: "G", dob: nil, gender: nil,
                          isActive: true, mrpProviderID: "PR1", line: i + 2)
        }
        let issue = InputIssue(file: "patients.csv", line: 3, field: "dob", message: "not a date", recordID: "P2")
        let s = EMRSnapshot(providers: [Provider(providerID: "PR1", familyName: "A", givenName: "B", practitionerID: "9")],
                            patients: patients, lastVisits: [day("2026-01-01"), nil, day("2026-02-02")],
                            asOf: asOfDefault, issues: [issue])
        #expect(s.patientIndex["P1"] == 0 && s.patientIndex["P2"] == 1 && s.patientIndex["P3"] == nil)
        #expect(s.patientIndex.count == 2)
        #expect(s.lastVisit(ofPatient: "P1") == day("2026-01-01"))
        #expect(s.lastVisit(ofPatient: "P2") == nil && s.lastVisit(ofPatientAt: 2) == day("2026-02-02"))
        #expect(s.issues(forPatientAt: 1) == [issue] && s.issues(forPatientAt: 0).isEmpty)
        #expect(s.providers["PR1"]?.practitionerID == "9")
        #expect(s.patient("P1")?.familyName == "F0")
    }
}
