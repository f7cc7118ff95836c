import CPARCore
import Foundation
import Testing
@testable import CPARPayload

@Suite struct RegistryMessagesTests {
    static let ns = "urn:cpard:registry:1"

    func receiptError(_ body: String) -> RegistryMessageError? {
        do { _ = try RegistryMessages.parseReceipt(body.bytes); return nil } catch { return error }
    }

    func ackError(_ body: String) -> RegistryMessageError? {
        do { _ = try RegistryMessages.parseAcknowledgement(body.bytes); return nil } catch { return error }
    }

    // MARK: Receipts

    @Test func receipt() throws {
        let body = #"<?xml version="1.0" encoding="UTF-8"?><Receipt xmlns="urn:cpard:registry:1"><TrackingId>T-2024.05_abc~1</TrackingId></Receipt>"#
        #expect(try RegistryMessages.parseReceipt(body.bytes) == "T-2024.05_abc~1")
    }

    @Test func receiptWithWhitespaceAPrefixAndUnknownExtras() throws {
        let body = """
            <r:Receipt xmlns:r="urn:cpard:registry:1" xmlns:x="urn:example">
              <x:Note>ignored</x:Note>
              <r:TrackingId>
                abc123
              </r:TrackingId>
              <r:Received>2024-05-07T21:00:00Z</r:Received>
            </r:Receipt>
            """
        #expect(try RegistryMessages.parseReceipt(body.bytes) == "abc123")
    }

    @Test func receiptProblems() {
        #expect(receiptError(#"<Receipt xmlns="urn:example"><TrackingId>T</TrackingId></Receipt>"#)
                == .wrongNamespace(expected: Self.ns))
        #expect(receiptError(#"<Receipt><TrackingId>T</TrackingId></Receipt>"#) == .wrongNamespace(expected: Self.ns))
        #expect(receiptError(#"<Acknowledgement xmlns="urn:cpard:registry:1" status="accepted"><TrackingId>T</TrackingId></Acknowledgement>"#)
                == .wrongRootElement(expected: "Receipt"))
        #expect(receiptError(#"<Receipt xmlns="urn:cpard:registry:1"><TrackingId></TrackingId></Receipt>"#) == .emptyTrackingID)
        #expect(receiptError(#"<Receipt xmlns="urn:cpard:registry:1"><TrackingId>  </TrackingId></Receipt>"#) == .emptyTrackingID)
        #expect(receiptError(#"<Receipt xmlns="urn:cpard:registry:1"/>"#) == .missingElement("TrackingId"))
        #expect(receiptError(#"<Receipt xmlns="urn:cpard:registry:1"><TrackingId xmlns="">T</TrackingId></Receipt>"#)
                == .missingElement("TrackingId"))
        #expect(receiptError(#"<Receipt xmlns="urn:cpard:registry:1"><TrackingId>A</TrackingId><TrackingId>B</TrackingId></Receipt>"#)
                == .duplicateElement("TrackingId"))
    }

    /// Tracking IDs end up in `GET {url}/{trackingId}`: only URL-unreserved characters pass.
    @Test(arguments: ["../admin", "a/b", "a b", "a?x=1", "a#f", "%2e%2e", "é", ".", "..",
                      String(repeating: "x", count: RegistryMessages.maxTrackingIDLength + 1)])
    func unsafeTrackingIDsAreRefused(id: String) {
        #expect(receiptError(#"<Receipt xmlns="urn:cpard:registry:1"><TrackingId>\#(id)</TrackingId></Receipt>"#)
                == .invalidTrackingID)
    }

    @Test func longestTrackingIDIsAccepted() throws {
        let id = String(repeating: "x", count: RegistryMessages.maxTrackingIDLength)
        #expect(try RegistryMessages.parseReceipt(#"<Receipt xmlns="urn:cpard:registry:1"><TrackingId>\#(id)</TrackingId></Receipt>"#.bytes) == id)
    }

    // MARK: Acknowledgements

    @Test func accepted() throws {
        let ack = try RegistryMessages.parseAcknowledgement(
            #"<Acknowledgement xmlns="urn:cpard:registry:1" status="accepted"><TrackingId>T1</TrackingId></Acknowledgement>"#.bytes)
        #expect(ack == Acknowledgement(status: .accepted, trackingID: "T1", errors: []))
    }

    @Test func processing() throws {
        let ack = try RegistryMessages.parseAcknowledgement(
            #"<Acknowledgement xmlns="urn:cpard:registry:1" status="processing"><TrackingId>T2</TrackingId></Acknowledgement>"#.bytes)
        #expect(ack.status == .processing)
        #expect(ack.trackingID == "T2")
        #expect(ack.errors.isEmpty)
    }

    @Test func rejectedWithSeveralErrors() throws {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Acknowledgement xmlns="urn:cpard:registry:1" status="rejected">
              <TrackingId>T3</TrackingId>
              <Error code="PANEL_UNKNOWN">Panel 4711 is not registered &amp; cannot be updated</Error>
              <Error code="FACILITY_MISMATCH">
                Facility 000123 does not belong to site AB-0042 (&lt;check&gt;)
              </Error>
              <Error code="E3"></Error>
            </Acknowledgement>
            """
        let ack = try RegistryMessages.parseAcknowledgement(body.bytes)
        #expect(ack.status == .rejected)
        #expect(ack.trackingID == "T3")
        #expect(ack.errors == [
            .init(code: "PANEL_UNKNOWN", message: "Panel 4711 is not registered & cannot be updated"),
            .init(code: "FACILITY_MISMATCH", message: "Facility 000123 does not belong to site AB-0042 (<check>)"),
            .init(code: "E3", message: ""),
        ])
    }

    @Test func codesOutsideTheRegistrySyntaxAreDroppedAndCounted() throws {
        var errors = ""
        for i in 0..<40 { errors += #"<Error code="E\#(i)">m</Error>"# }
        let body = #"<Acknowledgement xmlns="urn:cpard:registry:1" status="rejected"><TrackingId>T</TrackingId>"#
            + #"<Error code="Zed-Family">Zed-Family, Alpha</Error><Error code="PHN_123456782">x</Error>"#
            + #"<Error code="OK_1">"# + String(repeating: "m", count: 5000) + "</Error>" + errors + "</Acknowledgement>"
        let ack = try RegistryMessages.parseAcknowledgement(Array(body.utf8))
        #expect(ack.errors.first?.code == "OK_1")
        #expect(ack.errors.first?.message.count == RegistryMessages.maxMessageCharacters)
        #expect(ack.errors.count == RegistryMessages.maxErrors)
        #expect(ack.droppedErrors == 2 + 41 - RegistryMessages.maxErrors)
        #expect(!ack.errors.contains { $0.code.contains("Zed") || $0.code.contains("123456782") })
    }

    @Test func acknowledgementProblems() {
        let head = #"<Acknowledgement xmlns="urn:cpard:registry:1""#
        #expect(ackError(head + #" status="done"><TrackingId>T</TrackingId></Acknowledgement>"#) == .invalidStatus)
        #expect(ackError(head + #" status="Accepted"><TrackingId>T</TrackingId></Acknowledgement>"#) == .invalidStatus)
        #expect(ackError(head + #"><TrackingId>T</TrackingId></Acknowledgement>"#)
                == .missingAttribute(element: "Acknowledgement", attribute: "status"))
        #expect(ackError(head + #" status="rejected"><TrackingId>T</TrackingId><Error>no code</Error></Acknowledgement>"#)
                == .missingAttribute(element: "Error", attribute: "code"))
        #expect(ackError(head + #" status="accepted"><TrackingId></TrackingId></Acknowledgement>"#) == .emptyTrackingID)
        #expect(ackError(head + #" status="accepted"></Acknowledgement>"#) == .missingElement("TrackingId"))
        #expect(ackError(#"<Acknowledgement xmlns="urn:cpard:registry:2" status="accepted"><TrackingId>T</TrackingId></Acknowledgement>"#)
                == .wrongNamespace(expected: Self.ns))
        #expect(ackError(#"<Receipt xmlns="urn:cpard:registry:1"><TrackingId>T</TrackingId></Receipt>"#)
                == .wrongRootElement(expected: "Acknowledgement"))
    }

    // MARK: Hostile and broken bodies

    @Test func billionLaughsIsRefusedBeforeAnyExpansion() {
        let body = """
            <?xml version="1.0"?>
            <!DOCTYPE Acknowledgement [
              <!ENTITY lol "lol">
              <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <Acknowledgement xmlns="urn:cpard:registry:1" status="rejected">
              <TrackingId>T</TrackingId><Error code="X">&lol9;</Error>
            </Acknowledgement>
            """
        #expect(ackError(body) == .doctypeForbidden)
    }

    @Test func externalEntitiesAndBareDoctypesAreRefused() {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE Receipt [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <Receipt xmlns="urn:cpard:registry:1"><TrackingId>&secret;</TrackingId></Receipt>
            """
        #expect(receiptError(xxe) == .doctypeForbidden)
        let external = #"<!DOCTYPE Receipt SYSTEM "http://127.0.0.1:9/receipt.dtd"><Receipt xmlns="urn:cpard:registry:1"><TrackingId>T</TrackingId></Receipt>"#
        #expect(receiptError(external) == .doctypeForbidden)
        #expect(receiptError(#"<!DOCTYPE Receipt><Receipt xmlns="urn:cpard:registry:1"><TrackingId>T</TrackingId></Receipt>"#)
                == .doctypeForbidden)
        // The parse stops at the DOCTYPE itself: what follows is never read.
        #expect(receiptError(#"<!DOCTYPE Receipt [<!ENTITY a "b">]><Receipt xmlns="urn:cpard:registry:1"><Track"#)
                == .doctypeForbidden)
    }

    @Test func undeclaredEntitiesAreNotWellFormed() {
        guard case .notWellFormed? = receiptError(#"<Receipt xmlns="urn:cpard:registry:1"><TrackingId>&x;</TrackingId></Receipt>"#) else {
            Issue.record("expected notWellFormed"); return
        }
    }

    @Test func garbageIsNotWellFormedAndNotEchoed() throws {
        let garbage: [UInt8] = Array("SECRET-PHN-123456789 \u{0}\u{1}".utf8) + [0xFF, 0xFE, 0x00, 0x3C]
        let error = try #require(throws: RegistryMessageError.self) { _ = try RegistryMessages.parseReceipt(garbage) }
        guard case .notWellFormed(let line, _) = error else { Issue.record("unexpected \(error)"); return }
        #expect(line == 1)
        #expect(!"\(error)".contains("SECRET"))
        #expect(!"\(error)".contains("123456789"))

        let html = "<html><body>502 Bad Gateway for patient Smith</body>"
        guard case .notWellFormed? = receiptError(html) else { Issue.record("expected notWellFormed"); return }
        #expect(!"\(receiptError(html)!)".contains("Smith"))
        let wrongRoot = receiptError("<html><body>Smith</body></html>")
        #expect(wrongRoot == .wrongNamespace(expected: Self.ns))
        #expect(!"\(wrongRoot!)".contains("html") && !"\(wrongRoot!)".contains("Smith"))
    }

    @Test func emptyAndOversizedBodies() throws {
        #expect(throws: RegistryMessageError.empty) { _ = try RegistryMessages.parseReceipt([]) }
        let pad = String(repeating: " ", count: RegistryMessages.maxBodyBytes)
        let big = #"<Receipt xmlns="urn:cpard:registry:1"><TrackingId>T</TrackingId></Receipt>"# + pad
        #expect(throws: RegistryMessageError.tooLarge(bytes: big.utf8.count, limit: 1 << 20)) {
            _ = try RegistryMessages.parseReceipt(big.bytes)
        }
        let fits = #"<Receipt xmlns="urn:cpard:registry:1"><TrackingId>T</TrackingId></Receipt>"#
        let padded = fits + String(repeating: " ", count: RegistryMessages.maxBodyBytes - fits.utf8.count)
        #expect(try RegistryMessages.parseReceipt(padded.bytes) == "T")
    }

    @Test func descriptionsAreReadable() {
        #expect("\(RegistryMessageError.doctypeForbidden)" == "registry response has a DOCTYPE, which is not accepted")
        #expect("\(RegistryMessageError.wrongNamespace(expected: Self.ns))"
                == "registry response is not in namespace urn:cpard:registry:1")
        #expect("\(RegistryMessageError.notWellFormed(line: 3, code: 76))"
                == "registry response is not well-formed XML (line 3, libxml2 error 76)")
    }
}
