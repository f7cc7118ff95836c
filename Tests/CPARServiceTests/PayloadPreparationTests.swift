import CPARCore
import CPARPayload
@testable import CPARService
import Foundation
import Testing

/// What a failure while building a payload comes to (SPEC §15): the data → Failed; the machine → retried.
@Suite struct PayloadPreparationTests {
    func isRetryable(_ e: LifecycleEvent) -> Bool {
        if case .retryableFailure(_, nil) = e { return true }
        return false
    }

    @Test func ioErrorsWhileWritingAreRetried() {
        for error: Error in [PayloadError.io(path: "/s/payloads/x.xml.tmp", operation: "write", errno: ENOSPC),
                             PayloadError.io(path: "/s/payloads/x.xml", operation: "rename", errno: EIO),
                             PayloadError.writer("output error"),
                             CocoaError(.fileWriteOutOfSpace)] {
            let e = PayloadPreparation.event(for: error)
            #expect(isRetryable(e), "\(error)")
        }
        if case .retryableFailure(let text, _) = PayloadPreparation.event(for: PayloadError.io(path: "/p", operation: "write", errno: ENOSPC)) {
            #expect(text.hasPrefix("could not write the payload: /p: write failed"))
        }
    }

    @Test func dataTheSchemaRefusesFailsAtOnce() {
        for error in [PayloadError.invalidField(field: "practitioner 1 ID", reason: "holds a control character"),
                      PayloadError.notSubmittable([.noFacility])] {
            guard case .permanentFailure(let text) = PayloadPreparation.event(for: error) else {
                Issue.record("\(error) should fail at once"); continue
            }
            #expect(text.hasPrefix("could not build the payload: "))
        }
    }
}
