import Foundation
import CPARCore
import CPARStore
import CPARSystem

/// Deletes the payload files of finished submissions once `state.payload_retention` has passed; history keeps
/// their SHA-256.
final class PayloadPruning {
    let config: Config
    let store: StateStore
    let log: Logger
    let clock: @Sendable () -> Int64

    init(config: Config, store: StateStore, log: Logger, clock: @escaping @Sendable () -> Int64) {
        self.config = config
        self.store = store
        self.log = log
        self.clock = clock
    }

    /// Returns how many payload files were deleted.
    func prune() throws -> Int {
        let cutoff = clock() - Int64(config.payloadRetention)
        var pruned = 0
        for status in [SubmissionStatus.submitted, .failed] {
            for var s in try store.submissions(status: status) where s.payloadPath != nil && (s.delivered ?? s.updated) < cutoff {
                Posix.unlinkQuietly(s.payloadPath!)
                s.payloadPath = nil
                try store.updateSubmission(s)
                pruned += 1
            }
        }
        if pruned > 0 { log.info("payload.pruned", ["count": pruned]) }
        return pruned
    }
}
