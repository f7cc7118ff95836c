/// Parses config durations: whole seconds, or a number with `s`, `m`, `h` or `d`.
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
        default: unit = 1
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let n = Int(digits), n <= Int(Int32.max) else { return nil }
        return n * unit
    }
}
