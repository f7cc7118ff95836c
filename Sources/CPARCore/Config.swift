/// cpard's configuration (`cpard.conf`). Paths are absolute once parsed. SPEC §10.
public struct Config: Equatable, Sendable {
    public enum LogLevel: String, Sendable, CaseIterable, Comparable {
        case debug, info, notice, warning, error
        public static func < (a: LogLevel, b: LogLevel) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var emrDataDir: String = ""
    public var stateDir: String = ""
    public var spoolDir: String = ""
    /// How often cpard rescans the spool besides the nudges.
    public var spoolRescanInterval: Int = 60

    public var registryURL: String = ""
    public var allowInsecureHTTP: Bool = false
    public var clientCert: String?
    public var clientKey: String?
    public var caFile: String?
    public var tokenFile: String?
    public var connectTimeout: Int = 10
    public var requestTimeout: Int = 120
    public var pollInterval: Int = 600

    public var minBackoff: Int = 300
    public var maxBackoff: Int = 3600
    public var maxLifetime: Int = 5 * 86400

    public var scheduleDay: Int = 7
    /// Minutes after midnight.
    public var scheduleTime: Int = 21 * 60
    public var timezone: String = "America/Edmonton"
    public var blackoutEnabled: Bool = true
    public var blackoutFromDay: Int = 20
    public var blackoutUntilDay: Int = 1
    /// Minutes after midnight, or nil to send at once.
    public var manualSendTime: Int?

    public var validation = ValidationPolicy()

    public var notifyMaildir: String?
    public var smtpURL: String?
    public var smtpFrom: String = "cpard@localhost"
    public var smtpUsername: String?
    public var smtpPasswordFile: String?
    public var notifyRetryInterval: Int = 300

    public var logLevel: LogLevel = .info
    public var shutdownTimeout: Int = 30
    /// How long the payload file of a finished (Submitted or Failed) submission is kept.
    public var payloadRetention: Int = 90 * 86400
    public var metricsTextfile: String?
    /// The HTML panel report cpard rewrites after every pass (`report.html_path`; SPEC §13), or nil for none.
    public var reportHTMLPath: String?

    public init() {}

    public var databasePath: String { stateDir + "/cpard.sqlite" }
    public var incomingDir: String { spoolDir + "/incoming" }
    public var rejectedDir: String { spoolDir + "/rejected" }
}

public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public init(file: String, line: Int?, message: String) { self.file = file; self.line = line; self.message = message }
    public var description: String { "\(file)" + (line.map { ":\($0)" } ?? "") + ": \(message)" }
}
