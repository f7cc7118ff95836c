import CPARCore
import CPARTransport
import Foundation
import Testing

/// The SPEC §7 exchange against the real simulator over mutual TLS.
@Suite struct RegistryProtocolTests {
    @Test func acceptedAfterReceiptAndPoll() throws {
        let f = try RegistryFixture(faults: #"{"mode": "accept"}"#)
        let client = try f.client()
        let key = UUID().uuidString
        let submitted = try f.submit(client, key: key)
        let tracking = try #require(submitted.trackingID, "expected a receipt, got \(submitted)")

        #expect(client.poll(trackingID: tracking) == .acknowledged(Acknowledgement(status: .accepted, trackingID: tracking)))

        let requests = try f.sim.requests()
        #expect(requests.count == 2)
        let post = try #require(requests.first)
        #expect(post["method"] as? String == "POST")
        #expect(post["path"] as? String == "/submissions")
        #expect(post["idempotency_key"] as? String == key)
        #expect(post["content_type"] as? String == "application/xml")
        #expect(post["client_cert_cn"] as? String == "cpard-test-client")
        #expect(post["bytes"] as? Int == f.payload.count)
        #expect(post["authorization"] as? Bool == false)
        let body = try Data(contentsOf: URL(fileURLWithPath: f.sim.recordDir + "/bodies/1.xml"))
        #expect(Array(body) == f.payload)
        #expect(requests.last?["method"] as? String == "GET")
        #expect(requests.last?["path"] as? String == "/submissions/\(tracking)")
    }

    @Test func acceptedSynchronously() throws {
        let f = try RegistryFixture(faults: #"{"mode": "accept_sync"}"#)
        let result = try f.submit()
        let ack = try #require(result.acknowledgement, "expected an acknowledgement, got \(result)")
        #expect(ack.status == .accepted)
        #expect(!ack.trackingID.isEmpty)
    }

    @Test func rejectedWithErrorsOnPoll() throws {
        let f = try RegistryFixture(faults: """
            {"mode": "reject", "errors": [{"code": "E1", "message": "Panel number unknown"},
                                          {"code": "E2", "message": "Facility & site mismatch"}]}
            """)
        let client = try f.client()
        let tracking = try #require(try f.submit(client).trackingID)
        let expected = Acknowledgement(status: .rejected, trackingID: tracking, errors: [
            .init(code: "E1", message: "Panel number unknown"), .init(code: "E2", message: "Facility & site mismatch"),
        ])
        #expect(client.poll(trackingID: tracking) == .acknowledged(expected))
    }

    @Test func rejectedSynchronously() throws {
        let f = try RegistryFixture(faults: #"{"mode": "reject_sync", "errors": [{"code": "DUP", "message": "Duplicate"}]}"#)
        let ack = try #require(try f.submit().acknowledgement)
        #expect(ack.status == .rejected)
        #expect(ack.errors == [.init(code: "DUP", message: "Duplicate")])
    }

    @Test func processingUntilAcknowledgedAfterNPolls() throws {
        let f = try RegistryFixture(faults: #"{"mode": "accept", "ack_after_polls": 2}"#)
        let client = try f.client()
        let tracking = try #require(try f.submit(client).trackingID)
        let statuses = (1...3).map { _ in client.poll(trackingID: tracking).acknowledgement?.status }
        #expect(statuses == [.processing, .processing, .accepted])
    }

    @Test func sameIdempotencyKeyOnRepeatedSubmits() throws {
        let f = try RegistryFixture()
        let client = try f.client()
        let key = UUID().uuidString
        let first = try #require(try f.submit(client, key: key).trackingID)
        let second = try #require(try f.submit(client, key: key).trackingID)
        #expect(first == second)
        let posts = try f.sim.requests().filter { $0["method"] as? String == "POST" }
        #expect(posts.map { $0["idempotency_key"] as? String } == [key, key])
        #expect(posts.map { $0["duplicate"] as? Bool } == [false, true])
    }

    @Test func unknownTrackingIDIsPermanent() throws {
        let f = try RegistryFixture()
        let result = try f.client().poll(trackingID: "no-such-id")
        #expect(result.permanentReason?.contains("HTTP 404") == true, "\(result)")
    }

    @Test func trackingIDIsPercentEncodedInThePollPath() throws {
        let f = try RegistryFixture()
        _ = try f.client().poll(trackingID: "a b/c")
        #expect(try f.sim.requests().last?["path"] as? String == "/submissions/a%20b%2Fc")
    }

    @Test func bearerTokenIsSent() throws {
        let f = try RegistryFixture(token: "s3cret-token")
        var settings = f.settings()
        settings.bearerToken = "s3cret-token\n"   // as read from a file: the trailing newline is ignored
        let result = try f.submit(try f.client(settings))
        #expect(result.trackingID != nil, "\(result)")
        #expect(try f.sim.requests().last?["authorization"] as? Bool == true)
    }

    @Test func missingBearerTokenIsPermanent401() throws {
        let f = try RegistryFixture(token: "s3cret-token")
        let result = try f.submit()
        #expect(result.permanentReason == "HTTP 401", "\(result)")
    }

    @Test func insecureHTTPWorksOnlyWhenAllowed() throws {
        let f = try RegistryFixture(insecureHTTP: true)
        let plain = RegistryClientSettings(url: f.sim.baseURL)
        #expect(throws: TransportError.insecureURLRefused) {
            try CurlRegistryClient(settings: plain, parser: ResponseParser.registryMessages)
        }
        var allowed = plain
        allowed.allowInsecureHTTP = true
        let result = try f.submit(try f.client(allowed))
        #expect(result.trackingID != nil, "\(result)")
    }

    @Test func missingPayloadFileIsPermanent() throws {
        let f = try RegistryFixture()
        let result = try f.client().submit(payloadPath: f.dir.file("absent.xml"), idempotencyKey: "k")
        #expect(result.permanentReason?.hasPrefix("cannot open payload file") == true, "\(result)")
        #expect(try f.sim.requests().isEmpty)
    }

    @Test func headerBreakingIdempotencyKeyIsRefused() throws {
        let f = try RegistryFixture()
        let client = try f.client()
        for key in ["", "a\r\nX-Evil: 1", "ключ"] {
            #expect(try f.submit(client, key: key) == .permanent(reason: "invalid idempotency key"))
        }
        #expect(try f.sim.requests().isEmpty)
    }

    @Test func largePayloadIsStreamedIntact() throws {
        let f = try RegistryFixture()
        let big = f.dir.file("big.xml")
        var bytes = Array("<Big>".utf8)
        bytes += Array(repeating: UInt8(ascii: "x"), count: 3 << 20)
        bytes += Array("</Big>".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: big))
        let result = try f.client().submit(payloadPath: big, idempotencyKey: "big-1")
        #expect(result.trackingID != nil, "\(result)")
        let post = try #require(try f.sim.requests().last)
        #expect(post["bytes"] as? Int == bytes.count)
        let body = try Data(contentsOf: URL(fileURLWithPath: f.sim.recordDir + "/bodies/1.xml"))
        #expect(Array(body) == bytes)
    }
}
