import CPARCore
import CPARTransport
import Foundation
import Testing

/// Simulator faults and how the client classifies them (SPEC §7 retry rules).
@Suite struct RegistryFaultTests {
    @Test(arguments: [408, 500, 502, 503, 504])
    func transientStatusIsRetryable(status: Int) throws {
        let f = try RegistryFixture(faults: #"{"fail_status": \#(status), "fail_count": 1}"#)
        let client = try f.client()
        #expect(try f.submit(client) == .retryable(reason: "HTTP \(status)", retryAfter: nil))
        #expect(try f.submit(client).trackingID != nil)   // the fault is used up: the retry goes through
    }

    @Test func tooManyRequestsCarriesRetryAfter() throws {
        let f = try RegistryFixture(faults: #"{"fail_status": 429, "fail_count": 1, "retry_after": 7}"#)
        #expect(try f.submit() == .retryable(reason: "HTTP 429", retryAfter: 7))
    }

    @Test func badRequestIsPermanent() throws {
        let f = try RegistryFixture(faults: #"{"fail_status": 400, "fail_count": 1}"#)
        #expect(try f.submit() == .permanent(reason: "HTTP 400"))
    }

    @Test func otherServerErrorIsPermanent() throws {
        let f = try RegistryFixture(faults: #"{"fail_status": 501, "fail_count": 1}"#)
        #expect(try f.submit() == .permanent(reason: "HTTP 501"))
    }

    @Test func slowResponseBeyondTimeoutIsRetryable() throws {
        let f = try RegistryFixture(faults: #"{"slow_seconds": 5}"#)
        let result = try f.submit(try f.client(f.settings(timeout: 1)))
        #expect(result.retryableReason?.hasPrefix("timeout") == true, "\(result)")
    }

    @Test func droppedConnectionIsRetryable() throws {
        let f = try RegistryFixture(faults: #"{"drop_count": 1}"#)
        let client = try f.client()
        let result = try f.submit(client)
        #expect(result.isRetryable, "\(result)")
        #expect(try f.sim.requests().first?["outcome"] as? String == "fault:drop")
        #expect(try f.submit(client).trackingID != nil)
    }

    @Test func garbageBodyIsPermanent() throws {
        let f = try RegistryFixture(faults: #"{"garbage_count": 1}"#)
        let result = try f.submit()
        #expect(result.permanentReason?.hasPrefix("unreadable receipt") == true, "\(result)")
    }

    @Test func hugeBodyIsPermanent() throws {
        let f = try RegistryFixture(faults: #"{"huge_count": 1}"#)
        #expect(try f.submit() == .permanent(reason: "response larger than 1 MiB"))
    }

    @Test func pollServerErrorIsRetryable() throws {
        let f = try RegistryFixture()
        let client = try f.client()
        let tracking = try #require(try f.submit(client).trackingID)
        try f.sim.setFaults(#"{"poll_fail_status": 503, "poll_fail_count": 1, "retry_after": 30}"#)
        #expect(client.poll(trackingID: tracking) == .retryable(reason: "HTTP 503", retryAfter: 30))
        #expect(client.poll(trackingID: tracking).acknowledgement?.status == .accepted)
    }

    @Test func connectionRefusedIsRetryable() throws {
        let f = try RegistryFixture()
        let client = try f.client()
        f.sim.stop()
        let result = try f.submit(client)
        #expect(result.retryableReason?.hasPrefix("cannot connect") == true, "\(result)")
    }

    @Test func schemaRejectionKeepsOnlyErrorCodes() throws {
        // A 400 that explains itself with an Acknowledgement: the codes are kept, messages (which may quote
        // payload values) are not.
        let f = try RegistryFixture()
        let client = try CurlRegistryClient(settings: f.settings(), parser: ResponseParser(
            parseReceipt: ResponseParser.registryMessages.parseReceipt,
            parseAcknowledgement: { _ in
                Acknowledgement(status: .rejected, trackingID: "T", errors: [.init(code: "SCHEMA", message: "PHN 123")])
            }))
        try f.sim.setFaults(#"{"fail_status": 400, "fail_count": 1}"#)
        #expect(try f.submit(client) == .permanent(reason: "HTTP 400 (registry errors: SCHEMA)"))
    }
}
