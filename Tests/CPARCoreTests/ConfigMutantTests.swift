import Testing
@testable import CPARCore

/// Issue 8 item 2: config mutants of every duration and URL key at their extremes. Each is refused with its line
/// number, or accepted within its documented maximum (no accepted value can overflow time arithmetic or libcurl).
@Suite struct ConfigMutantTests {
    static let head = "emr.data_dir = /srv/emr\nstate.dir = /var/lib/cpard\nspool.dir = /var/spool/cpard\n# mutant:\n"

    static var durationKeys: [(String, KeyPath<Config, Int>)] { [
        ("spool.rescan_interval", \.spoolRescanInterval), ("registry.connect_timeout", \.connectTimeout),
        ("registry.timeout", \.requestTimeout), ("registry.poll_interval", \.pollInterval),
        ("retry.min_backoff", \.minBackoff), ("retry.max_backoff", \.maxBackoff), ("retry.max_lifetime", \.maxLifetime),
        ("notify.retry_interval", \.notifyRetryInterval), ("shutdown_timeout", \.shutdownTimeout),
        ("state.payload_retention", \.payloadRetention),
    ] }

    func outcome(_ line: String) -> Result<Config, ConfigError> {
        do { return .success(try ConfigParser.parse(Self.head + line + "\n", file: "c.conf")) }
        catch let e as ConfigError { return .failure(e) }
        catch { Issue.record("unexpected \(error)"); return .failure(ConfigError(file: "", line: nil, message: "")) }
    }

    @Test func everyDurationKeyHasLimitsAtMost366Days() {
        #expect(Set(ConfigDuration.limits.keys) == Set(Self.durationKeys.map(\.0)))
        for (key, range) in ConfigDuration.limits {
            #expect(range.lowerBound >= 1 && range.upperBound <= 366 * 86400, "\(key)")
        }
        #expect(ConfigDuration.limits["registry.timeout"]!.upperBound <= 3600)
        #expect(ConfigDuration.limits["registry.connect_timeout"]!.upperBound <= 3600)
    }

    @Test func everyDurationAtItsExtremes() throws {
        for (key, path) in Self.durationKeys {
            let range = try #require(ConfigDuration.limits[key])
            // The maximum itself, in seconds, is accepted and kept exactly (retry.min_backoff then exceeds the
            // default max_backoff, so give both).
            let extra = key == "retry.min_backoff" ? "retry.max_backoff = 7d\n" : ""
            let accepted = outcome(extra + "\(key) = \(range.upperBound)")
            let config = try accepted.get()
            #expect(config[keyPath: path] == range.upperBound, "\(key)")

            for mutant in ["\(range.upperBound + 1)", "2147483647d", "2147483647", "2147483648", "99999999999999999999",
                           "9223372036854775807s", "0", "0s", "-1", "1.5h", "1w", "", "d", " 5 m", "+5m", "5mm", "٥m"] {
                switch outcome(extra + "\(key) = \(mutant)") {
                case .success(let c): Issue.record("\(key) = \(mutant) accepted as \(c[keyPath: path])")
                case .failure(let e):
                    #expect(e.line == (extra.isEmpty ? 5 : 6), "\(key) = \(mutant)")
                    #expect(e.message.hasPrefix(key + ": "), "\(e.message)")
                }
            }
        }
    }

    @Test func theRangeIsNamedInTheMessage() throws {
        guard case .failure(let e) = outcome("registry.timeout = 2147483647d") else { Issue.record("accepted"); return }
        #expect(e.description == "c.conf:5: registry.timeout: must be from 1s to 1h")
    }

    @Test(arguments: [
        "https://127.0.0.1:99999/", "https://127.0.0.1:0/", "https://127.0.0.1:/x", "https://127.0.0.1:8o/",
        "https://[::1", "https://[::1]x/", "https://[zz::1]/", "https://[]/", "https://", "https:///path",
        "https://host name/", "https://host\u{7F}/", "https://hôst.example/", "https://h.example/?a=1",
        "https://h.example/a b", "ftp://h.example/", "HTTPS//h.example", "https:/h.example", "",
        "https://user@/", "https://:443/", "https://h.example:65536/",
    ])
    func badRegistryURLsAreRefusedWithTheLine(_ url: String) {
        switch outcome("registry.url = \(url)") {
        case .success: Issue.record("accepted \(url)")
        case .failure(let e):
            #expect(e.line == 5 && e.message.hasPrefix("registry.url: "), "\(url): \(e)")
        }
    }

    @Test(arguments: [
        "https://127.0.0.1:8443/cpar", "https://[::1]:8443/", "https://[fe80::1]/x",
        "https://registry.example.org", "https://registry.example.org:65535/a/b/", "https://reg_1.example/",
    ])
    func goodRegistryURLsAreKept(_ url: String) throws {
        #expect(try outcome("registry.url = \(url)").get().registryURL == url)
    }

    @Test func smtpURLsAreCheckedTheSameWay() throws {
        for bad in ["smtp://mail.example:99999", "smtps://[::1", "http://mail.example", "smtp://"] {
            guard case .failure(let e) = outcome("notify.smtp_url = \(bad)") else { Issue.record("accepted \(bad)"); continue }
            #expect(e.line == 5 && e.message.hasPrefix("notify.smtp_url: "))
        }
        #expect(try outcome("notify.smtp_url = smtps://user@mail.example:465").get().smtpURL == "smtps://user@mail.example:465")
        #expect(try outcome("notify.smtp_url =").get().smtpURL == nil)
    }

    @Test func controlCharactersAndUnusableAddressesAreRefused() throws {
        for line in ["state.payload_retention = 5d\u{1}", "notify.smtp_username = ops\u{7F}", "emr.data_dir = /srv/\u{0}emr",
                     "notify.from = Ops <ops@clinic.example", "notify.from = ops @clinic.example", "notify.from = <>",
                     "notify.from = Ops <ops>"] {
            switch outcome(line) {
            case .success: Issue.record("accepted \(line.debugDescription)")
            case .failure(let e): #expect(e.line == 5 || e.line == 1, "\(line.debugDescription): \(e)")
            }
        }
        #expect(try outcome("notify.from = CPAR robot <cpard@clinic.example>").get().smtpFrom == "CPAR robot <cpard@clinic.example>")
        #expect(try outcome("notify.from = cpard@clinic.example").get().smtpFrom == "cpard@clinic.example")
        #expect(try outcome("log.level = info\t").get().logLevel == .info)
    }
}
