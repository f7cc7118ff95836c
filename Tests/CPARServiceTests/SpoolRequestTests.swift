import Testing
@testable import CPARService

@Suite("spool request files")
struct SpoolRequestTests {
    @Test func parsesPanelReasonAndRequester() throws {
        let r = try SpoolRequest.parse("# resubmit\npanel = 1001\nreason = fixed PHNs\nrequested_by = ops\n")
        #expect(r == SpoolRequest(target: .panel("1001"), reason: "fixed PHNs", requestedBy: "ops"))
    }

    @Test func allAndCRLF() throws {
        #expect(try SpoolRequest.parse("panel = all\r\nreason = month end\r\n").target == .all)
        #expect(try SpoolRequest.parse("panel = all\r\nreason = month end\r\n").reason == "month end")
    }

    @Test(arguments: [
        ("", "no 'panel"),
        ("reason = x\n", "no 'panel"),
        ("panel 1001\n", "line 1: expected"),
        ("panel = 1\npanel = 2\n", "line 2: 'panel' given twice"),
        ("panel = 1\ncolour = red\n", "line 2: unknown key"),
        ("panel = 1\nreason = a\u{07}b\n", "control characters"),
    ])
    func refusesMalformed(text: String, message: String) {
        #expect {
            _ = try SpoolRequest.parse(text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}

@Suite struct SpoolRequestScrubbingTests {
    @Test func reasonAndRequesterAreScrubbedBeforeAnyoneSeesThem() throws {
        let r = try SpoolRequest.parse("panel = 1001\nreason = PHN 123456789 was wrong\nrequested_by = ops 1980-05-01\n")
        #expect(r.reason == "PHN [redacted] was wrong")
        #expect(r.requestedBy == "ops [redacted]")
        let blank = try SpoolRequest.parse("panel = 1001\nreason = \"<>\"\n")
        #expect(blank.reason == nil)
    }

    @Test func aRefusalNeverQuotesAPHN() {
        do {
            _ = try SpoolRequest.parse("panel = 1001\n123456789 = x\n")
            Issue.record("expected a refusal")
        } catch {
            #expect(!error.description.contains("123456789"))
            #expect(error.description.contains("unknown key"))
        }
    }
}
