import Foundation
import CPARCore
import CPARSystem

/// One line per event on stderr: `event=NAME key=value …`, with a `<N>` syslog-priority prefix when
/// `JOURNAL_STREAM` is set (journald adds its own timestamp), else an ISO 8601 UTC timestamp and the level.
/// Values never carry patient data: callers pass IDs, codes and counts only.
// @unchecked: its one mutable field, `minimum`, is read and written only under `lock`.
public final class Logger: @unchecked Sendable {
    public typealias Level = Config.LogLevel
    private let lock = NSLock()
    private var minimum: Level
    private let journal: Bool
    private let sink: @Sendable (String) -> Void

    public init(level: Level = .info, journal: Bool = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil,
                sink: @escaping @Sendable (String) -> Void = Logger.standardError) {
        self.minimum = level
        self.journal = journal
        self.sink = sink
    }

    /// write(2) to fd 2; a closed or full stderr loses the line rather than the process (SIGPIPE is ignored).
    public static let standardError: @Sendable (String) -> Void = { line in
        try? Posix.writeAll(2, Array(line.utf8), path: "stderr")
    }

    public var level: Level {
        get { lock.withLock { minimum } }
        set { lock.withLock { minimum = newValue } }
    }

    public func debug(_ event: String, _ fields: KeyValuePairs<String, Any?> = [:]) { log(.debug, event, fields) }
    public func info(_ event: String, _ fields: KeyValuePairs<String, Any?> = [:]) { log(.info, event, fields) }
    public func notice(_ event: String, _ fields: KeyValuePairs<String, Any?> = [:]) { log(.notice, event, fields) }
    public func warning(_ event: String, _ fields: KeyValuePairs<String, Any?> = [:]) { log(.warning, event, fields) }
    public func error(_ event: String, _ fields: KeyValuePairs<String, Any?> = [:]) { log(.error, event, fields) }

    public func log(_ level: Level, _ event: String, _ fields: KeyValuePairs<String, Any?>) {
        guard level >= self.level else { return }
        var line = journal ? "<\(Logger.priority(level))>" : Logger.timestamp() + " " + level.rawValue + " "
        line += "event=" + event
        for (key, value) in fields {
            guard let value else { continue }
            line += " " + key + "=" + Logger.quoted(String(describing: value))
        }
        line += "\n"
        lock.withLock { sink(line) }
    }

    /// syslog priorities: err 3, warning 4, notice 5, info 6, debug 7.
    static func priority(_ level: Level) -> Int {
        switch level {
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        case .debug: 7
        }
    }

    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7f && $0 != "\"" && $0 != "=" && $0 != "\\"
        }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func timestamp() -> String {
        ISO8601.format(Int64(Date().timeIntervalSince1970))
    }
}
