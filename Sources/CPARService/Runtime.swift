import Foundation
import CPARCore
import CPARStore
import CPARSystem
import CPARPayload
import CPARTransport

/// The parts one configuration wires together: store, registry transport, engine, notices and spool.
public final class Runtime {
    public let config: Config
    public let store: StateStore
    public let log: Logger
    public let engine: SubmissionEngine
    public let notices: NoticeDispatcher
    public let spool: SpoolIntake
    /// Held while this runtime works the queue; nil for a runtime that shares its predecessor's (SIGHUP reload).
    private let lock: InstanceLock?

    public init(config: Config, log: Logger, store: StateStore? = nil, transport: RegistryTransport? = nil,
                lock: InstanceLock? = nil) throws {
        self.config = config
        self.log = log
        do { try Posix.makeDirectories(config.stateDir, mode: 0o750) } catch {
            throw InstanceLock.Unwritable(stateDir: config.stateDir, error: error)
        }
        self.lock = try lock ?? InstanceLock(stateDir: config.stateDir)
        self.store = try store ?? StateStore(path: config.databasePath)
        let registry = try transport ?? Runtime.makeTransport(config)
        engine = try SubmissionEngine(config: config, store: self.store, transport: registry, log: log)
        notices = try NoticeDispatcher(config: config, store: self.store, log: log)
        spool = SpoolIntake(config: config, store: self.store, engine: engine, log: log)
    }

    /// The instance lock, handed on to the runtime that replaces this one on reload.
    public var instanceLock: InstanceLock? { lock }

    /// The libcurl client for `registry.*`, or a transport that fails every attempt when no URL is configured.
    public static func makeTransport(_ config: Config) throws -> RegistryTransport {
        guard !config.registryURL.isEmpty else { return UnconfiguredRegistry() }
        if let key = config.clientKey { try ConfigLoader.checkPrivate(key, config: "registry.client_key") }
        let token = try config.tokenFile.map { try ConfigLoader.readSecret($0, setting: "registry.token_file") }
        return try CurlRegistryClient(settings: RegistryClientSettings(config: config, token: token),
                                      parser: .registryMessages)
    }

    /// One pass: take spool requests, send what is due, poll Pending (all of them with `pollAllPending`),
    /// deliver notices.
    public func pass(pollAllPending: Bool = false) throws {
        var failures: [String] = []
        func stage(_ name: String, _ body: () throws -> Void) {
            do { try body() } catch {
                failures.append(name)
                log.error("service.stage_failed", ["stage": name, "error": "\(error)"])
            }
        }
        // Each stage runs even when an earlier one failed: a broken spool never stops sends, polls or notices.
        stage("spool") { try spool.scan() }
        stage("queue") { try engine.workDue(pollAllPending: pollAllPending) }
        stage("notices") { try notices.deliverDue() }
        stage("prune") { try engine.prunePayloads() }
        if let path = config.metricsTextfile { stage("metrics") { try Metrics.write(store: store, to: path) } }
        // The HTML report is for people, not part of sending: a report that cannot be written (its directory
        // missing or read-only) is a warning of its own, not a failed pass (the event ops alert on).
        if let path = config.reportHTMLPath {
            do {
                let today = try SendCalendar(config: config).civilDate(of: Date())
                try HTMLReportBuilder.write(config: config, store: store, asOf: today, to: path)
            } catch {
                log.warning("report.write_failed", ["path": path, "error": "\(error)"])
            }
        }
        if !failures.isEmpty { throw PassFailed(stages: failures) }
    }

    public struct PassFailed: Error, CustomStringConvertible {
        public var stages: [String]
        public var description: String { "stages failed: " + stages.joined(separator: ", ") }
    }

    /// Startup recovery: payload files half-written by a crash are removed (they are rebuilt); everything Queued or
    /// Pending stays in the queue with its submission ID, so it is re-sent or polled under the same Idempotency-Key.
    public func recover() throws -> (queued: Int, pending: Int) {
        let dir = config.stateDir + "/payloads"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasSuffix(".tmp") {
            Posix.unlinkQuietly(dir + "/" + name)
        }
        let queued = try store.submissions(status: .queued).count
        let pending = try store.submissions(status: .pending).count
        log.info("service.recovered", ["queued": queued, "pending": pending])
        return (queued, pending)
    }

    /// `queued=N pending=N failed=N submitted=N`, for STATUS= and logs.
    public func queueSummary() throws -> String {
        let counts = try store.statusCounts()
        return SubmissionStatus.allCases.map { "\($0.rawValue.lowercased())=\(counts[$0] ?? 0)" }.joined(separator: " ")
    }

    /// When the next piece of work is due (a send, a poll or a notice), if any.
    public func nextWakeup() throws -> Int64? {
        [try store.nextDueTime(), try store.nextNoticeTime(maildir: true, smtp: config.smtpURL != nil)].compactMap { $0 }.min()
    }
}

/// The transport used when `registry.url` is empty: every attempt fails with a clear error.
/// `Delivery` never calls it to send (nothing is posted, so no attempt is counted).
public struct UnconfiguredRegistry: RegistryTransport {
    public static let reason = "registry.url is not configured"
    public init() {}
    public func submit(payloadPath: String, idempotencyKey: String) -> RegistryResult { .permanent(reason: Self.reason) }
    public func poll(trackingID: String) -> RegistryResult { .permanent(reason: Self.reason) }
}
