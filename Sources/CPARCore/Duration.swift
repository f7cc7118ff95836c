/// Config durations (SPEC §10, §15): whole seconds or a number with `s`, `m`, `h` or `d`, and for every key that
/// takes one its allowed range. The maxima keep every configured time far from overflow and from libcurl's limits
/// (none is beyond 366 days; timeouts far less); the parser refuses a value outside them with its line number.
public enum ConfigDuration {
    /// The allowed range of each duration key, in seconds. README's configuration table shows the same.
    public static let limits: [String: ClosedRange<Int>] = [
        "spool.rescan_interval": 1...day,
        "registry.connect_timeout": 1...5 * minute,
        "registry.timeout": 1...hour,
        "registry.poll_interval": 1...day,
        "retry.min_backoff": 1...day,
        "retry.max_backoff": 1...7 * day,
        "retry.max_lifetime": 1...31 * day,
        "notify.retry_interval": 1...day,
        "shutdown_timeout": 1...10 * minute,
        "state.payload_retention": 1...366 * day,
    ]

    static let minute = 60, hour = 3600, day = 86400

    /// The number of seconds `text` means, or nil when it is not a duration. Values up to Int32.max units are
    /// read (larger ones are nil); the caller applies the key's limits.
    public static func seconds(_ text: String) -> Int? {
        guard let last = text.last else { return nil }
        let unit: Int
        var digits = Substring(text)
        switch last {
        case "s": unit = 1; digits = digits.dropLast()
        case "m": unit = minute; digits = digits.dropLast()
        case "h": unit = hour; digits = digits.dropLast()
        case "d": unit = day; digits = digits.dropLast()
        default: unit = 1
        }
        guard !digits.isEmpty, digits.utf8.count <= 10, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let n = Int(digits), n <= Int(Int32.max) else { return nil }
        return n * unit
    }

    /// Parses `text` for `key`: the seconds, or why it is refused (the message names the allowed range).
    public static func parse(_ text: String, key: String) -> Result<Int, Refusal> {
        guard let range = limits[key] else { preconditionFailure("no limits for duration key \(key)") }
        guard let s = seconds(text) else { return .failure(Refusal(message: "expected a duration such as 30s, 5m, 1h or 5d")) }
        guard range.contains(s) else {
            return .failure(Refusal(message: "must be from \(describe(range.lowerBound)) to \(describe(range.upperBound))"))
        }
        return .success(s)
    }

    public struct Refusal: Error, Equatable, Sendable { public let message: String }
}

extension ConfigDuration {
    /// A short human form of a number of seconds: the largest unit and the next one down when nonzero
    /// (`5d`, `1d 2h`, `2h 5m`, `45s`; `1d 30s` is shown as `1d`).
    public static func describe(_ seconds: Int) -> String {
        let units = [(86400, "d"), (3600, "h"), (60, "m"), (1, "s")]
        let total = max(0, seconds)
        guard let i = units.firstIndex(where: { total >= $0.0 }) else { return "0s" }
        var text = String(total / units[i].0) + units[i].1
        if i + 1 < units.count {
            let next = total % units[i].0 / units[i + 1].0
            if next > 0 { text += " " + String(next) + units[i + 1].1 }
        }
        return text
    }
}
