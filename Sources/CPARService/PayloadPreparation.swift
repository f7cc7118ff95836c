import Foundation
import CPARCore
import CPARStore
import CPARPayload

/// Builds the payload of each Queued submission about to be sent, once: from one read of the EMR files, into
/// `state.dir/payloads/<id>.xml`, so every retry posts the same bytes. A panel that fails validation (or holds a
/// value the schema refuses) makes its submission Failed; an I/O error — a full disk, an unreadable export, a
/// directory that cannot be made — leaves it Queued with the error and a next attempt (SPEC §15).
final class PayloadPreparation {
    let config: Config
    let store: StateStore
    let calendar: SendCalendar
    let clock: @Sendable () -> Int64
    let transitions: Transitions
    let log: Logger

    init(config: Config, store: StateStore, calendar: SendCalendar, clock: @escaping @Sendable () -> Int64,
         transitions: Transitions, log: Logger) {
        self.config = config
        self.store = store
        self.calendar = calendar
        self.clock = clock
        self.transitions = transitions
        self.log = log
    }

    var payloadDir: String { config.stateDir + "/payloads" }

    /// The submissions of `submissions` that are ready to send, with their payloads; the others have moved on
    /// (Failed, or Queued for a retry).
    func prepare(_ submissions: [Submission]) throws -> [Submission] {
        var ready = submissions.filter { s in s.payloadPath.map { FileManager.default.fileExists(atPath: $0) } ?? false }
        let needed = submissions.filter { s in !ready.contains(where: { $0.id == s.id }) }
        guard !needed.isEmpty else { return ready }
        var panels: [Panel] = []
        var byPanel: [Int64: Submission] = [:]
        for s in needed {
            guard let panel = try store.panel(id: s.panelID) else {
                try transitions.apply(.permanentFailure("the panel was deleted"), to: s)
                continue
            }
            panels.append(panel)
            byPanel[panel.id] = s
        }
        do {
            try FileManager.default.createDirectory(atPath: payloadDir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            for s in byPanel.values {
                try transitions.apply(.retryableFailure("cannot create \(payloadDir): \(Self.describe(error))",
                                                        retryAfter: nil), to: s)
            }
            return ready
        }
        let asOf = calendar.civilDate(of: Date(timeIntervalSince1970: TimeInterval(clock())))
        let source: ExtractSource
        do {
            source = try ExtractSource.load(config: config, store: store, asOf: asOf)
        } catch {
            // The EMR export may be fixed or finished later: retry with backoff, the error shown in status.
            for s in byPanel.values {
                try transitions.apply(.retryableFailure("cannot read the EMR data: \(error)", retryAfter: nil), to: s)
            }
            return ready
        }
        let dir = payloadDir
        let submissionsByPanel = byPanel
        let results = source.forEach(panels, policy: config.validation) { extract -> (PanelExtract?, String?, Int) in
            let s = submissionsByPanel[extract.panel.id]!
            guard extract.isSubmittable else { return (extract, nil, 0) }
            let header = PayloadHeader(submissionID: s.id, period: s.period, created: s.created)
            let written = try PayloadWriter.write(extract, header: header, to: Self.path(of: s, in: dir))
            return (nil, written.sha256, extract.patients.count)
        }
        for (panel, result) in zip(panels, results) {
            var s = byPanel[panel.id]!
            switch result {
            case .success((let failedExtract?, _, _)):
                s.patients = failedExtract.patients.count
                try transitions.apply(.validationFailed(failedExtract.problems), to: s)
            case .success((nil, let sha?, let count)):
                let built = try transitions.apply(.payloadBuilt(path: Self.path(of: s, in: dir), sha256: sha,
                                                                patients: count), to: s)
                CrashPoint.hit("payload-built")
                ready.append(built)
            case .success((nil, nil, _)):
                preconditionFailure("a submittable extract always has a SHA-256")
            case .failure(let error):
                log.error("submission.payload_failed", ["submission": s.id, "panel": s.panelLabel,
                                                        "error": Self.describe(error)])
                try transitions.apply(Self.event(for: error), to: s)
            }
        }
        return ready
    }

    static func path(of s: Submission, in dir: String) -> String { dir + "/" + s.id + ".xml" }

    /// A payload the data makes impossible (a value the schema refuses) fails at once: the panel or the EMR data
    /// must be fixed and the panel submitted again. Anything else while writing — ENOSPC, EIO, EACCES, a writer
    /// that could not flush — is the machine, not the data, and is retried.
    static func event(for error: Error) -> LifecycleEvent {
        switch error as? PayloadError {
        case .invalidField?, .notSubmittable?:
            return .permanentFailure("could not build the payload: \(describe(error))")
        default:
            return .retryableFailure("could not write the payload: \(describe(error))", retryAfter: nil)
        }
    }

    private static func describe(_ error: Error) -> String {
        "\(error)"
    }
}
