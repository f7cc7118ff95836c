import CLibXML2
import CPARCore
import CPARCrypto
import CPARTestSupport
import Foundation
import Testing
@testable import CPARPayload

@Suite struct PayloadWriterTests {
    static let awkwardNames: [(family: String, given: String)] = [
        ("Tom & Jerry <\"Ltd\"> 'quoted'", "a&b<c>d\"e'f"),
        ("Éloïse-Müller", "Ñandú Søren Jürgen"),
        ("山田", "太郎"),
        ("Line\nBreak", "tab\there\r\nCRLF"),
        ("]]> not a CDATA end", "&amp; stays literal"),
    ]

    static func awkwardExtract() -> PanelExtract {
        let patients = awkwardNames.enumerated().map { i, n in
            Fixtures.patient(String(100_000_000 + i * 11_111_111), family: n.family, given: n.given)
        }
        return Fixtures.extract(
            patients: patients, siteName: "Clinic \"A\" & <B>", panelName: "Panel 'ø' & \n 東",
            practitioners: [ExtractPractitioner(practitionerID: "P&1", familyName: "D'Arcy <MD>", givenName: "José\nM")])
    }

    /// The patient lines bypass libxml2's escaping only for names it would leave as they are.
    @Test func namesWrittenAsMarkupAreThoseLibxml2EscapesToThemselves() {
        let names = ["Doe", "O'Brien", "Éloïse-Müller", "山田", "tab\there", "Line\nBreak", "", "a&b", "<x>", "q\"",
                     "cr\r", "]]>", String(repeating: "x", count: 100)]
        for name in names {
            var markup = MarkupBuffer(capacity: 64)
            defer { markup.deallocate() }
            let raw = markup.append(textNeedingNoEscape: name)
            let escaped = name.withCString { c in
                UnsafeRawPointer(c).withMemoryRebound(to: xmlChar.self, capacity: 1) { text -> String in
                    guard let out = xmlEncodeSpecialChars(nil, text) else { return "" }
                    defer { CLibXML2_free(out) }
                    return String(cString: out)
                }
            }
            #expect(raw == (escaped == name && name.utf8.count <= 64), "\(name)")
            if raw { #expect(String(decoding: UnsafeBufferPointer(start: markup.base, count: markup.count), as: UTF8.self) == name) }
        }
    }

    /// Every date of 1890–2110 comes out as its `YYYY-MM-DD`; years without four digits are refused.
    @Test func everyDateIsWrittenAsItsISOForm() throws {
        var markup = MarkupBuffer(capacity: 16)
        defer { markup.deallocate() }
        let from = try #require(CivilDate(year: 1890, month: 1, day: 1)).daysSinceEpoch
        let to = try #require(CivilDate(year: 2110, month: 12, day: 31)).daysSinceEpoch
        var wrong = 0
        for d in from...to {
            let date = CivilDate(daysSinceEpoch: d)
            markup.reset()
            guard markup.append(date: date) else { wrong += 1; continue }
            if String(decoding: UnsafeBufferPointer(start: markup.base, count: markup.count), as: UTF8.self) != date.description {
                wrong += 1
            }
        }
        #expect(wrong == 0)
        markup.reset()
        #expect(!markup.append(date: try #require(CivilDate(year: 1000, month: 1, day: 1)).adding(days: -1)) && markup.count == 0)
        #expect(!markup.append(date: try #require(CivilDate(year: 9999, month: 12, day: 31)).adding(days: 1)) && markup.count == 0)
    }

    @Test func everyTextRoundTripsExactly() throws {
        let x = Self.awkwardExtract()
        let bytes = try PayloadWriter.bytes(for: x, header: Fixtures.header)
        let root = try #require(TestXML.parse(bytes))
        #expect(root.name == "Submission")
        #expect(root.namespace == "urn:cpard:submission:1")
        #expect(root.child("SubmissionId")?.text == Fixtures.submissionID)
        #expect(root.child("Period")?.text == "2024-05")
        #expect(root.child("Created")?.text == "2024-05-07T21:00:00Z")
        #expect(root.child("Site")?.child("SiteId")?.text == "AB-0042")
        #expect(root.child("Site")?.child("Name")?.text == "Clinic \"A\" & <B>")
        #expect(root.child("Panel")?.child("Number")?.text == "4711")
        #expect(root.child("Panel")?.child("Name")?.text == "Panel 'ø' & \n 東")
        #expect(root.child("Facilities")?.all("Facility").map(\.text) == ["000123", "9876543"])
        let practitioner = try #require(root.child("Practitioners")?.all("Practitioner").first)
        #expect(practitioner.child("PractitionerId")?.text == "P&1")
        #expect(practitioner.child("FamilyName")?.text == "D'Arcy <MD>")
        #expect(practitioner.child("GivenName")?.text == "José\nM")

        let patients = try #require(root.child("Patients"))
        #expect(patients.attributes["count"] == String(x.patients.count))
        let written = patients.all("Patient")
        #expect(written.count == x.patients.count)
        for (p, e) in zip(x.patients, written) {
            #expect(e.namespace == "urn:cpard:submission:1")
            #expect(e.children.map(\.name) == ["Phn", "FamilyName", "GivenName", "BirthDate", "Gender",
                                              "LastVisitDate", "ConfirmationDate"])
            #expect(e.child("Phn")?.text == p.phn)
            #expect(e.child("FamilyName")?.text == p.familyName)
            #expect(e.child("GivenName")?.text == p.givenName)
            #expect(e.child("BirthDate")?.text == p.dob.description)
            #expect(e.child("Gender")?.text == p.gender.rawValue)
            #expect(e.child("LastVisitDate")?.text == p.lastVisit.description)
            #expect(e.child("ConfirmationDate")?.text == p.confirmationDate.description)
        }
    }

    @Test func documentStartsWithAnXMLDeclarationAndHasOnePatientPerLine() throws {
        let x = Fixtures.extract()
        let text = try PayloadWriter.bytes(for: x, header: Fixtures.header).text
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Submission xmlns=\"urn:cpard:submission:1\">\n"))
        #expect(text.hasSuffix("</Submission>\n"))
        let patientLines = text.split(separator: "\n").filter { $0.hasPrefix("    <Patient>") }
        #expect(patientLines.count == x.patients.count)
        #expect(patientLines.allSatisfy { $0.hasSuffix("</Patient>") })
        #expect(text.contains("<GivenName></GivenName>"), "an empty given name is written as an empty element")
    }

    @Test func patientsKeepTheExtractOrder() throws {
        let x = Fixtures.extract()
        let root = try #require(TestXML.parse(try PayloadWriter.bytes(for: x, header: Fixtures.header)))
        let phns = root.child("Patients")?.all("Patient").compactMap { $0.child("Phn")?.text }
        #expect(phns == x.patients.map(\.phn))
    }

    @Test func equalInputsGiveEqualBytesApartFromIDAndTime() throws {
        let a = try PayloadWriter.bytes(for: Self.awkwardExtract(), header: Fixtures.header)
        let b = try PayloadWriter.bytes(for: Self.awkwardExtract(), header: Fixtures.header)
        #expect(a == b)

        let other = PayloadHeader(submissionID: "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE", period: Fixtures.header.period,
                                  created: 1_700_000_000)
        let c = try PayloadWriter.bytes(for: Self.awkwardExtract(), header: other)
        #expect(c != a)
        func masked(_ bytes: [UInt8]) -> [String] {
            bytes.text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.contains("<SubmissionId>") || line.contains("<Created>") ? "*" : String(line)
            }
        }
        #expect(masked(c) == masked(a))
        #expect(c.text.contains("<SubmissionId>AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE</SubmissionId>"))
        #expect(c.text.contains("<Created>2023-11-14T22:13:20Z</Created>"))
    }

    @Test func fileMatchesBytesIsPrivateAndHashed() throws {
        try withTempDirectory { dir in
            let path = dir + "/payload.xml"
            let x = Self.awkwardExtract()
            let result = try PayloadWriter.write(x, header: Fixtures.header, to: path)
            let file = try readFile(path)
            #expect(file == (try PayloadWriter.bytes(for: x, header: Fixtures.header)))
            #expect(result.bytes == file.count)
            #expect(result.sha256 == SHA256.hex(SHA256.hash(file)))
            let sum = try Subprocess.run("/usr/bin/sha256sum", [path])
            #expect(sum.all.hasPrefix(result.sha256 + " "))

            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        }
    }

    @Test func aDryRunWriteSkipsTheHashButWritesTheSameBytes() throws {
        try withTempDirectory { dir in
            let path = dir + "/dry.xml"
            let result = try PayloadWriter.write(Fixtures.extract(), header: Fixtures.header, to: path, sync: false, hash: false)
            #expect(result.sha256 == "")
            let file = try readFile(path)
            #expect(result.bytes == file.count)
            #expect(file == (try PayloadWriter.bytes(for: Fixtures.extract(), header: Fixtures.header)))
        }
    }

    @Test func rewritingReplacesTheFileAndAStaleTemporary() throws {
        try withTempDirectory { dir in
            let path = dir + "/payload.xml"
            try writeFile("old".bytes, path)
            try writeFile("stale".bytes, path + ".tmp")
            chmod(path + ".tmp", 0o644)
            _ = try PayloadWriter.write(Fixtures.extract(), header: Fixtures.header, to: path, sync: false)
            let text = try readFile(path).text
            #expect(text.hasPrefix("<?xml"))
            #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
            let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
        }
    }

    @Test func aMissingDirectoryIsAnIOErrorNamingThePath() throws {
        try withTempDirectory { dir in
            let path = dir + "/missing/payload.xml"
            #expect {
                _ = try PayloadWriter.write(Fixtures.extract(), header: Fixtures.header, to: path)
            } throws: { error in
                guard case .io(let p, let operation, let code)? = error as? PayloadError else { return false }
                return p == path + ".tmp" && operation == "open" && code == ENOENT
                    && "\(error)".contains(path) && "\(error)".contains("No such file")
            }
        }
    }

    @Test func aPanelWithProblemsIsNotWritten() throws {
        var x = Fixtures.extract()
        x.problems = [.noFacility, .practitionerWithoutID]
        #expect(throws: PayloadError.notSubmittable([.noFacility, .practitionerWithoutID])) {
            _ = try PayloadWriter.bytes(for: x, header: Fixtures.header)
        }
        try withTempDirectory { dir in
            #expect(throws: PayloadError.self) {
                _ = try PayloadWriter.write(x, header: Fixtures.header, to: dir + "/p.xml")
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: dir)
            #expect(left.isEmpty)
        }
        #expect("\(PayloadError.notSubmittable([.noFacility]))" == "panel is not submittable: NO_FACILITY")
    }

    /// Values the schema would refuse are caught before writing; the messages name the field, never the value.
    @Test(arguments: [
        ("123-45678", "patient 2 (in PHN order) PHN"),
        ("12345678", "patient 2 (in PHN order) PHN"),
        ("１２３４５６７８９", "patient 2 (in PHN order) PHN"),
    ])
    func badPHNsAreRefusedWithoutEchoingThem(phn: String, field: String) throws {
        var x = Fixtures.extract()
        x.patients[1].phn = phn
        let error = try #require(throws: PayloadError.self) {
            _ = try PayloadWriter.bytes(for: x, header: Fixtures.header)
        }
        guard case .invalidField(let f, _) = error else { Issue.record("unexpected \(error)"); return }
        #expect(f == field)
        #expect(!"\(error)".contains(phn))
    }

    @Test func patientsOutOfPHNOrderOrDuplicatedAreRefused() throws {
        var x = Fixtures.extract()
        x.patients.swapAt(0, 2)
        #expect(throws: PayloadError.self) { _ = try PayloadWriter.bytes(for: x, header: Fixtures.header) }
        var y = Fixtures.extract()
        y.patients[1].phn = y.patients[0].phn
        let error = try #require(throws: PayloadError.self) { _ = try PayloadWriter.bytes(for: y, header: Fixtures.header) }
        #expect("\(error)".contains("patient 2 (in PHN order) PHN"))
        #expect(!"\(error)".contains(y.patients[0].phn))
    }

    @Test func namesXMLCannotCarryAreRefusedWithoutEchoingThem() throws {
        for bad in ["Null\u{0}Byte", "Bell\u{7}", "Non\u{FFFE}char", "Esc\u{1B}[31m"] {
            var x = Fixtures.extract()
            x.patients[2].familyName = bad
            let error = try #require(throws: PayloadError.self) { _ = try PayloadWriter.bytes(for: x, header: Fixtures.header) }
            #expect(error == .invalidField(field: "patient 3 (in PHN order) family name",
                                           reason: PayloadFieldRules.forbiddenCharacter))
            #expect(!"\(error)".contains("Null") && !"\(error)".contains("Bell") && !"\(error)".contains("Esc"))
        }
        var x = Fixtures.extract()
        x.patients[0].givenName = "ok\u{1}"
        #expect(throws: PayloadError.invalidField(field: "patient 1 (in PHN order) given name",
                                                  reason: PayloadFieldRules.forbiddenCharacter)) {
            _ = try PayloadWriter.bytes(for: x, header: Fixtures.header)
        }
    }

    @Test func headerAndPanelFieldsAreChecked() throws {
        func failure(_ change: (inout PanelExtract, inout PayloadHeader) -> Void) -> PayloadError? {
            var x = Fixtures.extract()
            var h = Fixtures.header
            change(&x, &h)
            do { _ = try PayloadWriter.bytes(for: x, header: h); return nil } catch { return error }
        }
        #expect(failure { _, h in h.submissionID = "not-a-uuid" }
                == .invalidField(field: "submission ID", reason: "is not a UUID"))
        #expect(failure { x, _ in x.site?.siteID = " AB" }
                == .invalidField(field: "site ID", reason: "starts or ends with white space"))
        #expect(failure { x, _ in x.site?.siteID = String(repeating: "9", count: 65) }
                == .invalidField(field: "site ID", reason: "is longer than 64 characters"))
        #expect(failure { x, _ in x.site?.name = "" } == .invalidField(field: "site name", reason: "is empty"))
        #expect(failure { x, _ in x.panel.name = String(repeating: "é", count: 256) }
                == .invalidField(field: "panel name", reason: "is longer than 255 characters"))
        #expect(failure { x, _ in x.panel.name = String(repeating: "é", count: 255) } == nil)
        #expect(failure { x, _ in x.panel.number = "12345678901" }
                == .invalidField(field: "panel number", reason: "is not 1 to 10 digits"))
        #expect(failure { x, _ in x.facilityIDs = ["12345"] }
                == .invalidField(field: "facility ID 1", reason: "is not 6 to 20 digits"))
        #expect(failure { x, _ in x.practitioners[1].practitionerID = "" }
                == .invalidField(field: "practitioner 2 ID", reason: "is empty"))
        #expect(failure { x, _ in x.patients = [] } == .invalidField(field: "patients", reason: "are missing"))
        #expect(failure { x, _ in x.patients[0].familyName = "" }
                == .invalidField(field: "patient 1 (in PHN order) family name", reason: "is empty"))
        #expect(failure { x, _ in x.patients[0].dob = CivilDate(daysSinceEpoch: -800_000) }
                == .invalidField(field: "patient 1 (in PHN order) birth date", reason: "is outside the years 1000 to 9999"))
        #expect(failure { x, _ in x.site = nil } == .notSubmittable([]))
    }

    @Test func creationTimeIsUTC() throws {
        #expect(try PayloadWriter.utcTimestamp(0) == "1970-01-01T00:00:00Z")
        #expect(try PayloadWriter.utcTimestamp(951_825_599) == "2000-02-29T11:59:59Z")
        #expect(try PayloadWriter.utcTimestamp(-1) == "1969-12-31T23:59:59Z")
        #expect(throws: PayloadError.self) { _ = try PayloadWriter.utcTimestamp(400_000_000_000) }
    }
}

/// Issue 8 item 3 (the writer's part): a full disk is an I/O error naming the file, and leaves no temporary copy.
@Suite(.serialized) struct PayloadDiskFullTests {
    @Test func aFullDiskIsAnIOErrorAndLeavesNothingBehind() throws {
        let disk = try SmallMount(bytes: 16 * 1024)
        defer { disk.unmount() }
        let patients = (0..<600).map { Fixtures.patient(String(100_000_000 + $0 * 1_000), family: "Family\($0)", given: "Given") }
        let path = disk.file("payload.xml")
        #expect {
            _ = try PayloadWriter.write(Fixtures.extract(patients: patients), header: Fixtures.header, to: path)
        } throws: { error in
            guard case .io(let p, let operation, let code)? = error as? PayloadError else { return false }
            return p == path + ".tmp" && operation == "write" && code == ENOSPC
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path) == [])
    }
}
