/// Parses config durations: whole seconds, or a number with `s`, `m`, `h`, `d` or `y` (365 days).
public enum ConfigDuration {
    public static func seconds(_ text: String) -> Int? {
        guard let last = text.last else { return nil }
        let unit: Int
        var digits = Substring(text)
        switch last {
        case "s": unit = 1; digits = digits.dropLast()
        case "m": unit = 60; digits = digits.dropLast()
        case "h": unit = 3600; digits = digits.dropLast()
        case "d": unit = 86400; digits = digits.dropLast()
        case "y": unit = 365 * 86400; digits = digits.dropLast()
        default: unit = 1
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let n = Int(digits), n <= Int(Int32.max) else { return nil }
        return n * unit
    }
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
