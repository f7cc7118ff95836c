import CPARCore
import CPARTransport

/// Sends payloads to the registry and polls for acknowledgements. The attempt is committed before each POST and
/// every attempt of a submission posts the same payload file with the same Idempotency-Key (its id), so a crash at
/// any point loses nothing and never sends under a different key.
final class Delivery {
    let transport: RegistryTransport
    let transitions: Transitions

    init(transport: RegistryTransport, transitions: Transitions) {
        self.transport = transport
        self.transitions = transitions
    }

    /// Posts the payload once: the attempt is committed first, then the outcome; a fresh receipt is polled at once.
    func send(_ submission: Submission) throws {
        // No registry configured: nothing can be posted, so no attempt is counted (history shows no patients sent);
        // it fails at once with a notice, and is re-queued once `registry.url` is set (SIGUSR1 or submit).
        if transport is UnconfiguredRegistry {
            try transitions.apply(.permanentFailure(UnconfiguredRegistry.reason), to: submission)
            return
        }
        let s = try transitions.apply(.sending, to: submission)
        CrashPoint.hit("attempt-committed")
        let result = transport.submit(payloadPath: s.payloadPath!, idempotencyKey: s.id)
        CrashPoint.hit("post-returned")
        let after = try transitions.apply(Self.event(for: result), to: s)
        CrashPoint.hit("post-applied")
        if after.status == .pending { try poll(after) }
    }

    func poll(_ submission: Submission) throws {
        guard let tracking = submission.trackingID else { return }
        let result = transport.poll(trackingID: tracking)
        CrashPoint.hit("poll-returned")
        try transitions.apply(Self.event(for: result), to: submission)
    }

    static func event(for result: RegistryResult) -> LifecycleEvent {
        switch result {
        case .receipt(let tracking): .posted(trackingID: tracking)
        case .acknowledged(let ack): .acknowledged(ack)
        case .retryable(let reason, let retryAfter): .retryableFailure(Redaction.scrub(reason), retryAfter: retryAfter)
        case .permanent(let reason): .permanentFailure(Redaction.scrub(reason))
        }
    }
}
