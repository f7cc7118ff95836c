import CPARCore
import CPARTestSupport
import Foundation
import Testing
@testable import CPARPayload

/// Every payload passes the shipped XSD under real `xmllint` and under `SchemaValidator`; broken ones fail both.
@Suite struct SchemaValidationTests {
    static func manyPatients(_ n: Int) -> PanelExtract {
        let families = ["Smith", "O'Brien & Co", "Müller", "<Zhang>", "Nguyễn", "\"Quoted\""]
        let patients = (0..<n).map { i in
            ExtractPatient(phn: String(100_000_000 + i * 17), familyName: families[i % families.count],
                           givenName: i % 5 == 0 ? "" : "Given\(i)", dob: CivilDate(daysSinceEpoch: Int32(i % 30_000)),
                           gender: [Gender.male, .female, .other][i % 3],
                           lastVisit: Fixtures.date("2024-04-30"), confirmationDate: Fixtures.date("2024-01-02"))
        }
        return Fixtures.extract(patients: patients)
    }

    @Test(arguments: [1, 3, 2_000])
    func payloadsPassXmllintAndTheValidator(patients: Int) throws {
        let x = patients == 3 ? PayloadWriterTests.awkwardExtract() : Self.manyPatients(patients)
        try withTempDirectory { dir in
            let path = dir + "/payload.xml"
            _ = try PayloadWriter.write(x, header: Fixtures.header, to: path)
            let lint = try xmllint(path)
            #expect(lint.status == 0, "\(lint.all)")
            #expect(lint.all.contains("validates"))
            #expect(try SchemaValidator.validate(file: path) == [])
            #expect(try SchemaValidator.validate(bytes: try readFile(path)) == [])
        }
    }

    @Test func theFixtureExtractValidates() throws {
        let bytes = try PayloadWriter.bytes(for: Fixtures.extract(), header: Fixtures.header)
        #expect(try SchemaValidator.validate(bytes: bytes) == [])
    }

    @Test func aBadPHNFailsXmllintAndTheValidatorWithoutBeingQuoted() throws {
        let good = try PayloadWriter.bytes(for: Fixtures.extract(), header: Fixtures.header).text
        let bad = good.replacingOccurrences(of: "<Phn>223456781</Phn>", with: "<Phn>22345678X</Phn>")
        #expect(bad != good)
        let badLine = bad.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("22345678X") }.map { $0 + 1 }
        try withTempDirectory { dir in
            let path = dir + "/bad.xml"
            try writeFile(bad.bytes, path)
            let lint = try xmllint(path)
            #expect(lint.status != 0)
            #expect(lint.all.contains("Phn"))

            let issues = try SchemaValidator.validate(file: path)
            #expect(issues.count == 1)
            let issue = try #require(issues.first)
            #expect(issue.element == "Phn")
            #expect(issue.line == badLine)
            #expect(issue.message == "the value does not match the pattern of its type")
            #expect(!issue.description.contains("22345678X"))
            #expect(try SchemaValidator.validate(bytes: bad.bytes) == issues)
        }
    }

    @Test func valueErrorsNeverQuoteTheValue() throws {
        let good = try PayloadWriter.bytes(for: Fixtures.extract(), header: Fixtures.header).text
        let bad = good
            .replacingOccurrences(of: "<FamilyName>Àlvarez</FamilyName>", with: "<FamilyName></FamilyName>")
            .replacingOccurrences(of: "<BirthDate>2001-12-31</BirthDate>", with: "<BirthDate>2001-13-31</BirthDate>")
            .replacingOccurrences(of: "<Gender>X</Gender>", with: "<Gender>Q'uux</Gender>")
        let issues = try SchemaValidator.validate(bytes: bad.bytes)
        #expect(issues.map(\.element) == ["FamilyName", "BirthDate", "Gender"])
        #expect(issues.map(\.message) == [
            "the value is shorter than allowed",
            "the value is not valid for its type",
            "the value is not one of the allowed values",
        ])
        for issue in issues {
            #expect(!issue.description.contains("2001-13-31") && !issue.description.contains("uux"))
        }
    }

    @Test func structuralErrorsNameTheElements() throws {
        let good = try PayloadWriter.bytes(for: Fixtures.extract(), header: Fixtures.header).text
        let missingGender = good.replacingOccurrences(of: "<Gender>M</Gender>", with: "")
        let issues = try SchemaValidator.validate(bytes: missingGender.bytes)
        let issue = try #require(issues.first)
        #expect(issue.element == "LastVisitDate")
        #expect(issue.message.contains("This element is not expected. Expected is ( Gender )"))

        let noCount = good.replacingOccurrences(of: #"<Patients count="3">"#, with: "<Patients>")
        let countIssue = try #require(try SchemaValidator.validate(bytes: noCount.bytes).first)
        #expect(countIssue.element == "Patients")
        #expect(countIssue.message.contains("'count' is required"))
    }

    @Test func malformedDocumentsAreReportedAsNotWellFormed() throws {
        let issues = try SchemaValidator.validate(bytes: "<Submission xmlns=\"urn:cpard:submission:1\"><Period>secret name</Perio>".bytes)
        #expect(!issues.isEmpty)
        #expect(issues.contains { $0.message == "an end tag does not match its start tag (libxml2 error 76)" })
        #expect(issues.allSatisfy { !$0.description.contains("secret") })
        #expect(try SchemaValidator.validate(bytes: []).map(\.message) == ["the document is empty (libxml2 error 4)"])
        let badUTF8 = "<Submission xmlns=\"urn:cpard:submission:1\">".bytes + [0xC3, 0x28, 0x41] + "</Submission>".bytes
        let encodingIssues = try SchemaValidator.validate(bytes: badUTF8)
        #expect(encodingIssues.contains {
            $0.message.hasPrefix("the document is not valid UTF-8")
                || $0.message.hasPrefix("the document contains a character XML does not allow")
        })
        #expect(encodingIssues.allSatisfy { !$0.description.contains("0xC3") })
    }

    @Test func aDocumentInAnotherNamespaceIsRejected() throws {
        let good = try PayloadWriter.bytes(for: Fixtures.extract(), header: Fixtures.header).text
        let other = good.replacingOccurrences(of: "urn:cpard:submission:1", with: "urn:example:other")
        #expect(try !SchemaValidator.validate(bytes: other.bytes).isEmpty)
    }

    @Test func aMissingFileIsAnError() throws {
        #expect(throws: SchemaValidatorError.cannotOpen(path: "/nonexistent/cpard/payload.xml")) {
            _ = try SchemaValidator.validate(file: "/nonexistent/cpard/payload.xml")
        }
    }

    @Test func issuesAreCapped() throws {
        let good = try PayloadWriter.bytes(for: Self.manyPatients(300), header: Fixtures.header).text
        let bad = good.replacingOccurrences(of: "<Gender>M</Gender>", with: "<Gender>Z</Gender>")
            .replacingOccurrences(of: "<Gender>F</Gender>", with: "<Gender>Z</Gender>")
        let issues = try SchemaValidator.validate(bytes: bad.bytes)
        #expect(issues.count == SchemaValidator.issueLimit + 1)
        #expect(issues.last?.message == "\(200 - SchemaValidator.issueLimit) more errors not shown")
    }
}
