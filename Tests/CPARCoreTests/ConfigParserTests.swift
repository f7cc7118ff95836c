import Testing
@testable import CPARCore

@Suite struct ConfigParserTests {
    static let file = "/etc/cpard/cpard.conf"
    /// Three required lines; whatever a test appends starts on line 5.
    static let base = """
        # cpard test configuration
        emr.data_dir = /srv/emr
        state.dir = /var/lib/cpard
        spool.dir = /var/spool/cpard

        """

    func parse(_ extra: String, credentials: String? = nil) throws -> Config {
        try ConfigParser.parse(Self.base + extra, file: Self.file, credentialsDirectory: credentials)
    }

    func error(_ extra: String) -> ConfigError? {
        do { _ = try parse(extra); return nil } catch let e as ConfigError { return e } catch { return nil }
    }

    @Test func minimalConfigGetsDefaults() throws {
        let c = try parse("")
        #expect(c.emrDataDir == "/srv/emr" && c.stateDir == "/var/lib/cpard" && c.spoolDir == "/var/spool/cpard")
        #expect(c.scheduleDay == 7 && c.scheduleTime == 21 * 60 && c.timezone == "America/Edmonton")
        #expect(c.blackoutEnabled && c.blackoutFromDay == 20 && c.blackoutUntilDay == 1)
        #expect(c.manualSendTime == nil)
        #expect(c.minBackoff == 300 && c.maxBackoff == 3600 && c.maxLifetime == 432_000 && c.pollInterval == 600)
        #expect(c.validation == ValidationPolicy(invalidPatients: .exclude, phnCheckDigit: .warn))
        #expect(c.databasePath == "/var/lib/cpard/cpard.sqlite")
        #expect(c.incomingDir == "/var/spool/cpard/incoming")
    }

    @Test func everyKeyParses() throws {
        let c = try parse("""
            spool.rescan_interval = 2m
            registry.url = https://registry.example.org/cpar/submissions
            registry.allow_insecure_http = no
            registry.client_cert = tls/client.crt
            registry.client_key = %d/client.key
            registry.ca_file = /etc/ssl/ca.pem
            registry.token_file = $CREDENTIALS_DIRECTORY/token
            registry.connect_timeout = 15s
            registry.timeout = 3m
            registry.poll_interval = 10m
            retry.min_backoff = 1m
            retry.max_backoff = 2h
            retry.max_lifetime = 3d
            schedule.day = 31
            schedule.time = 02:30
            schedule.timezone = America/Toronto
            blackout.enabled = yes
            blackout.from_day = 25
            blackout.until_day = 2
            manual.send_time = 23:05
            validation.invalid_patients = fail
            validation.phn_check_digit = reject
            notify.maildir = mail
            notify.smtp_url = smtps://smtp.example.org:465
            notify.from = cpard@clinic.example
            notify.smtp_username = cpard
            notify.smtp_password_file = ${CREDENTIALS_DIRECTORY}/smtp
            notify.retry_interval = 600
            log.level = debug
            shutdown_timeout = 45s
            metrics.textfile = /var/lib/node_exporter/cpard.prom
            state.payload_retention = 30d
            """, credentials: "/run/credentials/cpard.service")
        #expect(c.payloadRetention == 30 * 86400)
        #expect(c.spoolRescanInterval == 120)
        #expect(c.registryURL == "https://registry.example.org/cpar/submissions")
        #expect(!c.allowInsecureHTTP)
        #expect(c.clientCert == "/etc/cpard/tls/client.crt")
        #expect(c.clientKey == "/run/credentials/cpard.service/client.key")
        #expect(c.caFile == "/etc/ssl/ca.pem")
        #expect(c.tokenFile == "/run/credentials/cpard.service/token")
        #expect(c.connectTimeout == 15 && c.requestTimeout == 180 && c.pollInterval == 600)
        #expect(c.minBackoff == 60 && c.maxBackoff == 7200 && c.maxLifetime == 3 * 86400)
        #expect(c.scheduleDay == 31 && c.scheduleTime == 150 && c.timezone == "America/Toronto")
        #expect(c.blackoutEnabled && c.blackoutFromDay == 25 && c.blackoutUntilDay == 2)
        #expect(c.manualSendTime == 23 * 60 + 5)
        #expect(c.validation == ValidationPolicy(invalidPatients: .fail, phnCheckDigit: .reject))
        #expect(c.notifyMaildir == "/etc/cpard/mail")
        #expect(c.smtpURL == "smtps://smtp.example.org:465")
        #expect(c.smtpFrom == "cpard@clinic.example" && c.smtpUsername == "cpard")
        #expect(c.smtpPasswordFile == "/run/credentials/cpard.service/smtp")
        #expect(c.notifyRetryInterval == 600)
        #expect(c.logLevel == .debug && c.shutdownTimeout == 45)
        #expect(c.metricsTextfile == "/var/lib/node_exporter/cpard.prom")
    }

    @Test(arguments: [
        ("spool.rescan_interval = 0", "spool.rescan_interval"),
        ("spool.rescan_interval = soon", "spool.rescan_interval"),
        ("registry.url = ftp://registry.example.org", "registry.url"),
        ("registry.url = https://", "registry.url"),
        ("registry.url = registry.example.org", "registry.url"),
        ("registry.allow_insecure_http = perhaps", "registry.allow_insecure_http"),
        ("registry.connect_timeout = 0", "registry.connect_timeout"),
        ("registry.timeout = 1w", "registry.timeout"),
        ("registry.poll_interval = -5", "registry.poll_interval"),
        ("retry.min_backoff = 0", "retry.min_backoff"),
        ("retry.min_backoff = 5 m", "retry.min_backoff"),
        ("retry.max_backoff = x", "retry.max_backoff"),
        ("retry.max_lifetime = 0d", "retry.max_lifetime"),
        ("schedule.day = 0", "schedule.day"),
        ("schedule.day = 32", "schedule.day"),
        ("schedule.day = +7", "schedule.day"),
        ("schedule.time = 24:00", "schedule.time"),
        ("schedule.time = 9:00", "schedule.time"),
        ("schedule.time = 21:60", "schedule.time"),
        ("schedule.time = +1:00", "schedule.time"),
        ("schedule.time = 2100", "schedule.time"),
        ("schedule.timezone = Mars/Olympus_Mons", "schedule.timezone"),
        ("schedule.timezone = America/New York", "schedule.timezone"),
        ("blackout.enabled = sometimes", "blackout.enabled"),
        ("blackout.from_day = 0", "blackout.from_day"),
        ("blackout.until_day = 40", "blackout.until_day"),
        ("manual.send_time = 7pm", "manual.send_time"),
        ("validation.invalid_patients = drop", "validation.invalid_patients"),
        ("validation.phn_check_digit = ignore", "validation.phn_check_digit"),
        ("notify.smtp_url = http://mail.example.org", "notify.smtp_url"),
        ("notify.from = cpard", "notify.from"),
        ("notify.retry_interval = 0", "notify.retry_interval"),
        ("log.level = verbose", "log.level"),
        ("shutdown_timeout = soon", "shutdown_timeout"),
    ])
    func badValueNamesKeyAndLine(line: String, key: String) throws {
        let e = try #require(error("# a comment line\n" + line + "\n"))
        #expect(e.line == 6, "\(line)")
        #expect(e.file == Self.file)
        #expect(e.message.hasPrefix(key + ":"), "\(e.message)")
        #expect(e.description.hasPrefix("/etc/cpard/cpard.conf:6: " + key))
    }

    @Test func requiredPathsMustNotBeEmpty() throws {
        for key in ["emr.data_dir", "state.dir", "spool.dir"] {
            let text = ["emr.data_dir", "state.dir", "spool.dir"].map { $0 == key ? "\($0) =" : "\($0) = /x" }
                .joined(separator: "\n")
            let e = try #require(throws: ConfigError.self) { try ConfigParser.parse(text, file: "/c.conf") }
            #expect(e.message == "\(key): a path is required")
            #expect(e.line == ["emr.data_dir", "state.dir", "spool.dir"].firstIndex(of: key)! + 1)
        }
    }

    @Test func unknownKey() throws {
        let e = try #require(error("registry.urll = https://x.example\n"))
        #expect(e.line == 5)
        #expect(e.message == "unknown key 'registry.urll'")
    }

    @Test func notKeyValue() throws {
        let e = try #require(error("schedule.day 7\n"))
        #expect(e.line == 5)
        #expect(e.message == "expected 'key = value'")
    }

    @Test func duplicateKey() throws {
        let e = try #require(error("log.level = info\n\nlog.level = debug\n"))
        #expect(e.line == 7)
        #expect(e.message == "'log.level' already set on line 5")
    }

    @Test func missingRequiredKey() throws {
        #expect(throws: ConfigError(file: "c.conf", line: nil, message: "'spool.dir' is required")) {
            try ConfigParser.parse("emr.data_dir = a\nstate.dir = b\n", file: "c.conf")
        }
    }

    @Test func relativePathsFollowTheConfigFile() throws {
        let text = "emr.data_dir = data/emr\nstate.dir = ../state\nspool.dir = /abs/spool\n"
        let c = try ConfigParser.parse(text, file: "/opt/cpard/etc/cpard.conf")
        #expect(c.emrDataDir == "/opt/cpard/etc/data/emr")
        #expect(c.stateDir == "/opt/cpard/state", ".. is resolved")
        #expect(try ConfigParser.parse("emr.data_dir = ./a/./b/../c\nstate.dir = s\nspool.dir = p\n", file: "/x/c.conf").emrDataDir == "/x/a/c")
        #expect(c.spoolDir == "/abs/spool")
        let rooted = try ConfigParser.parse(text, file: "/cpard.conf")
        #expect(rooted.emrDataDir == "/data/emr")
        let bare = try ConfigParser.parse(text, file: "cpard.conf")
        #expect(bare.emrDataDir == "data/emr")
    }

    @Test func credentialsPrefix() throws {
        let withDir = try parse("registry.token_file = %d/token\n", credentials: "/run/credentials/cpard.service")
        #expect(withDir.tokenFile == "/run/credentials/cpard.service/token")
        // Without $CREDENTIALS_DIRECTORY (e.g. cparctl run by hand) the config file's directory stands in.
        let without = try parse("registry.token_file = %d/token\n")
        #expect(without.tokenFile == "/etc/cpard/token")
        let empty = try parse("registry.token_file = %d/token\n", credentials: "")
        #expect(empty.tokenFile == "/etc/cpard/token")
        let optionalEmpty = try parse("registry.token_file =\n")
        #expect(optionalEmpty.tokenFile == nil)
    }

    @Test func insecureHTTPNeedsOptIn() throws {
        let e = try #require(error("registry.url = http://127.0.0.1:8080/submissions\n"))
        #expect(e.line == 5)
        #expect(e.message.contains("registry.allow_insecure_http"))
        let ok = try parse("registry.url = http://127.0.0.1:8080/submissions\nregistry.allow_insecure_http = true\n")
        #expect(ok.registryURL == "http://127.0.0.1:8080/submissions" && ok.allowInsecureHTTP)
        // Order does not matter.
        let reversed = try parse("registry.allow_insecure_http = 1\nregistry.url = http://localhost/x\n")
        #expect(reversed.allowInsecureHTTP)
    }

    @Test func crossChecksNameALine() throws {
        let backoff = try #require(error("retry.max_backoff = 1m\nretry.min_backoff = 2m\n"))
        #expect(backoff.line == 6)
        #expect(backoff.message.contains("retry.min_backoff"))
        let tls = try #require(error("registry.client_cert = a.crt\n"))
        #expect(tls.line == 5)
        #expect(tls.message.contains("registry.client_key"))
        let blackout = try #require(error("blackout.from_day = 5\nblackout.until_day = 5\n"))
        #expect(blackout.line == 6)
        #expect(blackout.message.contains("blackout"))
        #expect(try parse("blackout.enabled = false\nblackout.from_day = 5\nblackout.until_day = 5\n").blackoutFromDay == 5)
    }

    @Test func crlfBomCommentsAndBlankLines() throws {
        let text = "\u{FEFF}# comment\r\nemr.data_dir = /e   # trailing comment\r\n\r\n\tstate.dir\t=\t/s\r\nspool.dir=/p\r\nschedule.day = 9\r\n"
        let c = try ConfigParser.parse(text, file: "/etc/c.conf")
        #expect(c.emrDataDir == "/e" && c.stateDir == "/s" && c.spoolDir == "/p" && c.scheduleDay == 9)
        let e = try #require(throws: ConfigError.self) {
            try ConfigParser.parse(text + "schedule.day = 99\r\n", file: "/etc/c.conf")
        }
        #expect(e.line == 7)
    }

    @Test func manualSendTimeMayBeEmpty() throws {
        #expect(try parse("manual.send_time =\n").manualSendTime == nil)
        #expect(try parse("manual.send_time = 00:00\n").manualSendTime == 0)
        #expect(try parse("manual.send_time = 23:59\n").manualSendTime == 23 * 60 + 59)
    }

    @Test func parsedConfigMakesACalendar() throws {
        let c = try parse("schedule.timezone = UTC\nschedule.day = 30\n")
        let cal = try SendCalendar(config: c)
        #expect(cal.scheduleDay == 30)
    }
}

@Suite struct ConfigDurationTests {
    @Test func units() {
        #expect(ConfigDuration.seconds("30s") == 30)
        #expect(ConfigDuration.seconds("5m") == 300)
        #expect(ConfigDuration.seconds("1h") == 3600)
        #expect(ConfigDuration.seconds("5d") == 432_000)
        #expect(ConfigDuration.seconds("45") == 45)
        #expect(ConfigDuration.seconds("0") == 0)
    }

    @Test(arguments: ["bad", "", "s", "5w", "5M", "-5", "+5", "5 m", " 5m", "1.5h", "5ms", "99999999999", "٣s"])
    func rejects(text: String) {
        #expect(ConfigDuration.seconds(text) == nil)
    }
}
