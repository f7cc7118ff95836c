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
