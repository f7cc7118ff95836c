import CPARCore
import CPAREMR
import CPARSampleData
import CPARTestSupport
import Foundation
import Testing

@Suite("Sample data")
struct SampleDataTests {
    static let files = ["providers.csv", "patients.csv", "appointments.csv", "panel-import.csv", "setup-panels.sh",
                        "cpar-conflict-report.csv", "cpar-mismatch-report.csv"]

    func contents(_ dir: TempDirectory) throws -> [Data] {
        try Self.files.map { try Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + $0)) }
    }

    @Test func sameSeedSameBytes() throws {
        let a = try TempDirectory(), b = try TempDirectory(), c = try TempDirectory()
        let sa = try SampleData.generate(outDir: a.path, patients: 450, panels: 5, seed: 7)
        let sb = try SampleData.generate(outDir: b.path, patients: 450, panels: 5, seed: 7)
        _ = try SampleData.generate(outDir: c.path, patients: 450, panels: 5, seed: 8)
        #expect(try contents(a) == contents(b))
        #expect(sa.files.map(\.bytes) == sb.files.map(\.bytes))
        #expect(sa.files.map(\.rows) == sb.files.map(\.rows))
        let other = try contents(c)
        #expect(try contents(a)[1] != other[1])
        #expect(try contents(a)[2] != other[2])
    }

    @Test func summaryMatchesTheFiles() throws {
        let dir = try TempDirectory()
        let s = try SampleData.generate(outDir: dir.path, patients: 300, panels: 4, seed: 1, appointmentsPerPatient: 3)
        for file in s.files {
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            #expect((attributes[.size] as? NSNumber)?.intValue == file.bytes, "\(file.path)")
        }
        #expect(s.providers.rows == 4 + SampleData.extraProviders)
        #expect(s.patients.rows == 300)
        var appointments = 0
        try CSVReader(path: s.appointments.path).forEachRecord { _ in appointments += 1 }
        #expect(appointments == s.appointments.rows)
        #expect(appointments > 300 * 2 && appointments < 300 * 4)
        #expect(s.panelImport.rows == 300 + 1)  // plus the unknown patient of block 0 (block 1 ends before its slot)
        #expect(s.planted.count == SampleData.PlantedKind.allCases.count)
        #expect(s.planted[.inactive] == 2 && s.planted[.unknownPatientInImport] == 1)
        #expect(throws: SampleDataError.self) { try SampleData.generate(outDir: dir.path, patients: 0, panels: 1, seed: 1) }
    }

    @Test func patientsFileHasBOMAndCRLFAndQuotedNames() throws {
        let dir = try TempDirectory()
        _ = try SampleData.generate(outDir: dir.path, patients: 200, panels: 4, seed: 3)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.path + "/patients.csv")))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(bytes.contains(0x0D))
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patients[6].familyName == "Smith, Jr.")
        #expect(s.patients[7].givenName == "Mary\nAnne")
        #expect(s.patients[1].givenName == "Robert \"Bob\"")
        #expect(s.patients[2].familyName == "Smith & Jones")
        #expect(s.patients[3].givenName == "Baby Girl <Twin A>")
        #expect(s.patients[4].familyName == "O'Neil")
        #expect(s.patients.contains { $0.familyName.contains("ñ") } && s.patients.contains { $0.givenName.contains("é") })
        #expect(s.patients.contains { $0.familyName.contains("ø") } && s.patients.contains { $0.familyName.contains("ü") })
        #expect(s.patients.contains { $0.gender == .female } && s.patients.contains { $0.gender == .male })
        #expect(s.patients.filter { $0.gender == .other }.count >= 1)
    }

    @Test func providersAndSetupScript() throws {
        let dir = try TempDirectory()
        _ = try SampleData.generate(outDir: dir.path, patients: 200, panels: 4, seed: 3)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.providers.count == 7)
        #expect(s.providers["PR0004"]?.practitionerID == "")  // the last panel's provider
        #expect(s.providers.values.filter { $0.practitionerID.isEmpty }.count == 1)
        #expect(s.providers.values.allSatisfy { $0.practitionerID.allSatisfy(\.isNumber) })
        #expect(Set(s.patients.map(\.mrpProviderID)).isSubset(of: ["PR0001", "PR0002", "PR0003", "PR0004"]))

        // Run the script with a stand-in cparctl that logs its arguments.
        let bin = dir.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try dir.write("bin/cparctl", "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done >> \"\(dir.path)/calls.log\"\necho >> \"\(dir.path)/calls.log\"\n")
        chmod(bin + "/cparctl", 0o755)
        let script = try Subprocess.run("/bin/sh", [dir.path + "/setup-panels.sh", "--config", "/etc/cpard/x.conf"],
                                        environment: ["PATH": bin + ":/usr/bin:/bin"])
        #expect(script.status == 0)
        let calls = try String(contentsOfFile: dir.path + "/calls.log", encoding: .utf8).split(separator: "\n")
        #expect(calls.count == 1 + 4 + 1)
        #expect(calls[0].hasPrefix("[--config][/etc/cpard/x.conf][site][set][--name][Riverbend Family Medicine Network][--site-id]"))
        let p1 = s.providers["PR0001"]!
        #expect(calls[1] == "[--config][/etc/cpard/x.conf][panel][add][--name][Dr. \(p1.givenName) \(p1.familyName)][--number]"
                + "[\(SampleData.panelNumber(ofPanelAt: 0))][--cpar][--facility][4200][--practitioner][PR0001]"
                + "[--notify][panel-1@clinic.example]")
        #expect(calls.dropFirst().prefix(4).allSatisfy { $0.contains("[panel][add]") })
        #expect(calls[5] == "[--config][/etc/cpard/x.conf][bulk][import][--csv][\(dir.path)/panel-import.csv]")
        #expect(SampleData.panelNumber(ofPanelAt: 199).count == 10)
    }

    /// The CPAR reports (§14): the headers and date formats they use, and answers that agree with the EMR files.
    @Test func cparReportsHaveKnownAnswers() throws {
        let dir = try TempDirectory()
        let summary = try SampleData.generate(outDir: dir.path, patients: 250, panels: 3, seed: 9)
        let answers = summary.reportAnswers
        let conflict = try CSVReader(path: summary.conflictReport.path)
        #expect(conflict.header == ["Panel Number", "PHN", "Last Name", "First Name", "Date of Birth", "Gender",
                                    "Conflicting Panel", "Conflicting Provider"])
        let mismatch = try CSVReader(path: summary.mismatchReport.path)
        #expect(mismatch.header == ["Panel ID", "ULI", "Surname", "Given_Name", "DOB", "Sex"])
        let emr = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        var conflictRows: [[String]] = [], mismatchRows: [[String]] = []
        try conflict.forEachRecord { conflictRows.append($0.strings()) }
        try mismatch.forEachRecord { mismatchRows.append($0.strings()) }
        #expect(conflictRows.count == 4 && mismatchRows.count == 8)
        #expect(summary.conflictReport.rows == 4 && summary.mismatchReport.rows == 8)
        // Conflict rows name their patients by PHN (with a dash), in DD-Mon-YYYY dates; the last row names nobody.
        for (row, id) in zip(conflictRows, answers.conflicts) {
            let p = try #require(emr.patient(id))
            #expect(PHN.normalize(row[1]) == PHN.normalize(p.phn) && row[1].contains("-"))
            #expect(CivilDate(reportText: row[4]) == p.dob && row[4].count == 11)
        }
        let phns = Set(emr.patients.map { PHN.normalize($0.phn) })
        #expect(!phns.contains(PHN.normalize(conflictRows[3][1])) && answers.conflictUnmatchedLines == [5])
        #expect(!phns.contains(mismatchRows[7][1]) && answers.mismatchUnmatchedLines == [9])
        #expect(!phns.contains(mismatchRows[4][1]), "the MISMATCH_PHN row carries another ULI")
        #expect(mismatchRows.allSatisfy { $0[4].contains("/") && CivilDate(reportText: $0[4]) != nil })
        #expect(Set(answers.mismatches.values.flatMap { $0 }) == Set(WorklistCode.allCases).subtracting([.conflict]))
        // Too few patients for the picks: only the rows that match nobody.
        let small = try SampleData.generate(outDir: dir.path + "/small", patients: 3, panels: 1, seed: 9)
        #expect(small.reportAnswers.conflicts.isEmpty && small.reportAnswers.mismatches.isEmpty)
        #expect(small.conflictReport.rows == 1 && small.mismatchReport.rows == 1)
    }

    /// Every planted kind shows up as described, and every ordinary patient is valid.
    @Test func everyPlantedKindIsThere() throws {
        let dir = try TempDirectory()
        let n = 400, panels = 4
        _ = try SampleData.generate(outDir: dir.path, patients: n, panels: panels, seed: 11)
        let s = try EMRLoader.load(dataDir: dir.path, asOf: asOfDefault)
        #expect(s.patients.count == n)

        // Raw appointment rows and import rows per patient.
        var visits: [String: [(date: String, status: String)]] = [:]
        try CSVReader(path: dir.path + "/appointments.csv").forEachRecord { r in
            visits[r.string(1), default: []].append((r.string(3), r.string(4)))
        }
        var imports: [String: (panel: String, date: String)] = [:]
        var importOrder: [String] = []
        try CSVReader(path: dir.path + "/panel-import.csv").forEachRecord { r in
            imports[r.string(0)] = (r.string(1), r.string(2))
            importOrder.append(r.string(0))
        }
        let notCounting: Set<String> = ["cancelled", "canceled", "no_show", "no show"]
        var seen = Set<SampleData.PlantedKind>()
        for i in 0..<n {
            let p = s.patients[i]
            #expect(p.patientID == SampleData.patientID(ofPatientAt: i, patients: n))
            let last = s.lastVisit(ofPatientAt: i)
            let digits = p.phn.filter { $0 != " " && $0 != "-" }
            let issues = s.issues(forPatientAt: i)
            guard let kind = SampleData.plantedKind(ofPatientAt: i) else {
                // Ordinary patients are valid (the one before a duplicatePHN shares its PHN).
                #expect(p.isActive && !p.unreadable && p.phn.count == 9 && phnCheckDigitOK(p.phn), "\(p.patientID)")
                #expect(p.dob != nil && !p.familyName.isEmpty && p.gender != nil, "\(p.patientID)")
                #expect(last != nil && last! >= p.dob!, "\(p.patientID)")
                let confirmation = CivilDate(iso: imports[p.patientID]?.date ?? "")
                #expect(confirmation != nil && confirmation! >= last!, "\(p.patientID)")
                #expect(issues.isEmpty)
                continue
            }
            seen.insert(kind)
            switch kind {
            case .inactive: #expect(!p.isActive)
            case .missingPHN: #expect(p.phn.isEmpty)
            case .phnWrongLength: #expect(p.phn.count == 8 && p.phn.allSatisfy(\.isNumber))
            case .phnWithLetters: #expect(p.phn.count == 9 && p.phn.contains { $0.isLetter })
            case .phnBadCheckDigit: #expect(p.phn.count == 9 && p.phn.allSatisfy(\.isNumber) && !phnCheckDigitOK(p.phn))
            case .phnWithSeparators:
                #expect(p.phn.count > 9 && digits.count == 9 && phnCheckDigitOK(digits))
            case .missingDOB: #expect(p.dob == nil && issues.isEmpty)
            case .unreadableDOB: #expect(p.dob == nil && issues.map(\.field) == ["dob"])
            case .missingFamilyName: #expect(p.familyName.isEmpty)
            case .emptyGender, .unknownGender: #expect(p.gender == nil && issues.isEmpty)
            case .invalidGender: #expect(p.gender == nil && issues.map(\.field) == ["gender"])
            case .noAppointments: #expect(visits[p.patientID] == nil && last == nil)
            case .onlyCancelled:
                #expect(last == nil && !(visits[p.patientID] ?? []).isEmpty)
                #expect((visits[p.patientID] ?? []).allSatisfy { notCounting.contains($0.status.lowercased()) })
            case .onlyFuture:
                #expect(last == nil && !(visits[p.patientID] ?? []).isEmpty)
                #expect((visits[p.patientID] ?? []).allSatisfy { $0.date > "2026-12-31" })
            case .lastVisitBeforeDOB: #expect(last != nil && p.dob != nil && last! < p.dob!)
            case .emptyConfirmation: #expect(imports[p.patientID]?.date == "")
            case .duplicatePHN:
                let before = s.patients[i - 1]
                #expect(p.phn == before.phn && phnCheckDigitOK(p.phn))
                #expect(p.mrpProviderID != before.mrpProviderID)
                #expect(imports[p.patientID]?.panel != imports[before.patientID]?.panel)
                #expect(s.patients.filter { $0.phn == p.phn }.count == 2)
            case .shortRow, .extraField:
                #expect(p.unreadable && issues.count == 1 && issues[0].recordID == p.patientID)
            case .badAppointmentDate:
                #expect(s.issues.contains { $0.file == "appointments.csv" && $0.field == "date" })
                #expect(last != nil)
            case .shortAppointmentRow:
                #expect(s.issues.contains { $0.file == "appointments.csv" && $0.field == nil })
                #expect(last != nil)
            case .unknownPatientInImport:
                let next = importOrder[importOrder.firstIndex(of: p.patientID)! + 1]
                #expect(s.patientIndex[next] == nil)
                #expect(next == SampleData.unknownPatientID(block: i / SampleData.blockSize, patients: n))
            }
        }
        #expect(seen == Set(SampleData.PlantedKind.allCases))
        // Everyone is in the import, on the panel of their MRP.
        let numberOf = Dictionary(uniqueKeysWithValues: (0..<panels).map {
            (SampleData.providerID(ofProviderAt: $0, panels: panels), SampleData.panelNumber(ofPanelAt: $0))
        })
        #expect(s.patients.allSatisfy { imports[$0.patientID]?.panel == numberOf[$0.mrpProviderID] })
        // PHNs are unique apart from the planted duplicates.
        let valid = s.patients.map(\.phn).filter { $0.count == 9 }
        #expect(valid.count - Set(valid).count == n / SampleData.blockSize)
        #expect(s.issueCount == s.issues.count)
    }
}

/// SPEC §5: the 5th digit checks digits 1–4 and 6–9, Luhn-weighted 1,2,1,2… from the left.
func phnCheckDigitOK(_ phn: String) -> Bool {
    let d = phn.compactMap(\.wholeNumberValue)
    guard d.count == 9, phn.count == 9 else { return false }
    let body = Array(d[0..<4] + d[5..<9])
    var sum = 0
    for (i, v) in body.enumerated() {
        let p = v * (i % 2 == 0 ? 1 : 2)
        sum += p / 10 + p % 10
    }
    return (10 - sum % 10) % 10 == d[4]
}

/// The extract date the sample data is built for (visits end on 2026-10-31).
private let asOfDefault = CivilDate(year: 2026, month: 10, day: 31)!
