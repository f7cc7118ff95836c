import CPARTestSupport
import Foundation
import Testing
@testable import CPARPayload

@Suite struct SubmissionSchemaTests {
    @Test func embeddedSchemaIsTheShippedFileByteForByte() throws {
        let file = try readFile(PackageRoot.submissionSchema)
        #expect(Array(SubmissionSchema.xsd.utf8) == file)
    }

    @Test func schemaTargetsTheSubmissionNamespace() {
        #expect(SubmissionSchema.xsd.contains(#"targetNamespace="urn:cpard:submission:1""#))
        #expect(SubmissionSchema.xsd.contains(#"elementFormDefault="qualified""#))
        #expect(SubmissionSchema.namespace == "urn:cpard:submission:1")
    }
}
