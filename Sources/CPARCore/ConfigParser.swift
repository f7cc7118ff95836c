import Foundation

/// Parses `key = value` lines with `#` comments into a `Config`. Pure: the caller reads the file.
public enum ConfigParser {
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the file's path, for messages; relative paths in values are resolved against its directory.
    ///   - credentialsDirectory: `$CREDENTIALS_DIRECTORY`, which `%d/` or `$CREDENTIALS_DIRECTORY/` prefixes expand to.
    public static func parse(_ text: String, file: String, credentialsDirectory: String? = nil) throws -> Config {
        var config = Config()
        var seen: [String: Int] = [:]
        let base = directory(of: file)
        let credentialsDirectory = credentialsDirectory.flatMap { $0.isEmpty ? nil : $0 }
        let lines: [KeyValueLines.Line]
        do { lines = try KeyValueLines.parse(text, inlineComments: true) } catch {
            throw ConfigError(file: file, line: error.line, message: "expected 'key = value'")
        }
        for entry in lines {
            let lineNumber = entry.number, key = entry.key, value = entry.value
            if let previous = seen[key] {
                throw ConfigError(file: file, line: lineNumber, message: "'\(key)' already set on line \(previous)")
            }
            seen[key] = lineNumber
            func fail(_ why: String) -> ConfigError { ConfigError(file: file, line: lineNumber, message: "\(key): \(why)") }
            // No value has a use for control characters, and in a header, URL or path they would only do harm later.
            if value.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
                throw fail("control characters are not allowed")
            }
            func path() throws -> String {
                guard !value.isEmpty else { throw fail("a path is required") }
                return resolve(value, base: base, credentials: credentialsDirectory)
            }
            func optionalPath() -> String? { value.isEmpty ? nil : resolve(value, base: base, credentials: credentialsDirectory) }
            /// A duration within the key's limits (`ConfigDuration.limits`).
            func duration() throws -> Int {
                switch ConfigDuration.parse(value, key: key) {
                case .success(let seconds): return seconds
                case .failure(let refusal): throw fail(refusal.message)
                }
            }
            func bool() throws -> Bool {
                switch value.lowercased() {
                case "true", "yes", "on", "1": return true
                case "false", "no", "off", "0": return false
                default: throw fail("expected true or false")
                }
            }
            func day() throws -> Int {
                guard isDigits(value), let d = Int(value), (1...31).contains(d) else { throw fail("expected a day of the month, 1 to 31") }
                return d
            }
            func clock() throws -> Int {
                guard let m = parseClock(value) else { throw fail("expected a time HH:MM") }
                return m
            }
            switch key {
            case "emr.data_dir": config.emrDataDir = try path()
            case "state.dir": config.stateDir = try path()
            case "spool.dir": config.spoolDir = try path()
            case "spool.rescan_interval": config.spoolRescanInterval = try duration()
            case "registry.url":
                if let problem = ServiceURL.problem(value, schemes: ["https", "http"]) { throw fail(problem) }
                config.registryURL = value
            case "registry.allow_insecure_http": config.allowInsecureHTTP = try bool()
            case "registry.client_cert": config.clientCert = optionalPath()
            case "registry.client_key": config.clientKey = optionalPath()
            case "registry.ca_file": config.caFile = optionalPath()
            case "registry.token_file": config.tokenFile = optionalPath()
            case "registry.connect_timeout": config.connectTimeout = try duration()
            case "registry.timeout": config.requestTimeout = try duration()
            case "registry.poll_interval": config.pollInterval = try duration()
            case "retry.min_backoff": config.minBackoff = try duration()
            case "retry.max_backoff": config.maxBackoff = try duration()
            case "retry.max_lifetime": config.maxLifetime = try duration()
            case "schedule.day": config.scheduleDay = try day()
            case "schedule.time": config.scheduleTime = try clock()
            case "schedule.timezone":
                guard !value.isEmpty, !value.contains(" "), TimeZone(identifier: value) != nil else {
                    throw fail("expected a known time zone name such as America/Edmonton")
                }
                config.timezone = value
            case "blackout.enabled": config.blackoutEnabled = try bool()
            case "blackout.from_day": config.blackoutFromDay = try day()
            case "blackout.until_day": config.blackoutUntilDay = try day()
            case "manual.send_time": config.manualSendTime = value.isEmpty ? nil : try clock()
            case "validation.invalid_patients":
                guard let p = ValidationPolicy.InvalidPatients(rawValue: value) else { throw fail("expected exclude or fail") }
                config.validation.invalidPatients = p
            case "validation.phn_check_digit":
                guard let p = ValidationPolicy.CheckDigit(rawValue: value) else { throw fail("expected warn or reject") }
                config.validation.phnCheckDigit = p
            case "notify.maildir": config.notifyMaildir = optionalPath()
            case "notify.smtp_url":
                if !value.isEmpty, let problem = ServiceURL.problem(value, schemes: ["smtp", "smtps"]) { throw fail(problem) }
                config.smtpURL = value.isEmpty ? nil : value
            case "notify.from":
                guard let address = mailAddress(value), address.contains("@") else {
                    throw fail("expected an address such as cpard@clinic.example or \"cpard <cpard@clinic.example>\"")
                }
                config.smtpFrom = value
            case "notify.smtp_username": config.smtpUsername = value.isEmpty ? nil : value
            case "notify.smtp_password_file": config.smtpPasswordFile = optionalPath()
            case "notify.retry_interval": config.notifyRetryInterval = try duration()
            case "log.level":
                guard let l = Config.LogLevel(rawValue: value) else {
                    throw fail("expected one of " + Config.LogLevel.allCases.map(\.rawValue).joined(separator: ", "))
                }
                config.logLevel = l
            case "shutdown_timeout": config.shutdownTimeout = try duration()
            case "metrics.textfile": config.metricsTextfile = optionalPath()
            case "report.html_path": config.reportHTMLPath = optionalPath()
            case "state.payload_retention": config.payloadRetention = try duration()
            case "hygiene.confirmation_max_age", "hygiene.visit_max_age":
                guard let age = AgeLimit(config: value) else {
                    throw fail("expected an age such as 3y (calendar years) or 1095d, from 1 day to 100 years")
                }
                if key == "hygiene.visit_max_age" { config.hygieneVisitMaxAge = age } else { config.hygieneConfirmationMaxAge = age }
            default:
                throw ConfigError(file: file, line: lineNumber, message: "unknown key '\(key)'")
            }
        }
        try check(config, seen: seen, file: file)
        return config
    }

    private static func check(_ c: Config, seen: [String: Int], file: String) throws {
        for key in ["emr.data_dir", "state.dir", "spool.dir"] where seen[key] == nil {
            throw ConfigError(file: file, line: nil, message: "'\(key)' is required")
        }
        if c.registryURL.hasPrefix("http://") && !c.allowInsecureHTTP {
            throw ConfigError(file: file, line: seen["registry.url"],
                              message: "registry.url: http:// needs registry.allow_insecure_http = true")
        }
        if c.minBackoff > c.maxBackoff {
            throw ConfigError(file: file, line: seen["retry.min_backoff"] ?? seen["retry.max_backoff"],
                              message: "retry.min_backoff is greater than retry.max_backoff")
        }
        if c.blackoutEnabled && c.blackoutFromDay == c.blackoutUntilDay {
            throw ConfigError(file: file, line: seen["blackout.until_day"] ?? seen["blackout.from_day"],
                              message: "blackout.from_day and blackout.until_day are equal: the blackout would never end")
        }
        if (c.clientCert == nil) != (c.clientKey == nil) {
            throw ConfigError(file: file, line: seen["registry.client_cert"] ?? seen["registry.client_key"],
                              message: "registry.client_cert and registry.client_key go together")
        }
    }

    /// The addr-spec of `Name <addr>` or a bare address, as the SMTP envelope will take it; nil when it would be
    /// refused there (empty, or spaces, control characters or angle brackets in the address).
    static func mailAddress(_ text: String) -> String? {
        var address = Substring(text)
        if let open = address.lastIndex(of: "<"), let close = address.lastIndex(of: ">"), open < close {
            address = address[address.index(after: open)..<close]
        }
        guard !address.isEmpty, !address.unicodeScalars.contains(where: {
            $0.value <= 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">"
        }) else { return nil }
        return String(address)
    }

    /// `HH:MM` → minutes after midnight.
    public static func parseClock(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, isDigits(parts[0]), isDigits(parts[1]),
              let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
        return h * 60 + m
    }

    static func isDigits(_ s: some StringProtocol) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    static func resolve(_ value: String, base: String, credentials: String?) -> String {
        func join(_ dir: String, _ rest: some StringProtocol) -> String {
            dir.hasSuffix("/") ? dir + rest : dir + "/" + rest
        }
        for prefix in ["%d/", "$CREDENTIALS_DIRECTORY/", "${CREDENTIALS_DIRECTORY}/"] where value.hasPrefix(prefix) {
            return normalized(join(credentials ?? base, value.dropFirst(prefix.count)))
        }
        if value.hasPrefix("/") { return normalized(value) }
        return normalized(base == "." ? value : join(base, value))
    }

    /// Drops `.` segments and resolves `..` lexically: `/etc/cpard/../x` → `/etc/x`.
    static func normalized(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part != ".." || !absolute {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}

