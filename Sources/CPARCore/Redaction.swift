/// Scrubs free text from outside (registry errors) before it reaches logs, history or notices.
public enum Redaction {
    public static let maxLength = 300
    public static let marker = "[redacted]"

    /// Replaces every run of 9 or more digits — single spaces or dashes allowed between digits, as in a PHN — and
    /// every `YYYY-MM-DD` date (it may be a birth date) with `[redacted]`, turns control characters (newlines, tabs) into spaces so the text stays on one line, and clips
    /// the result to 300 characters (ending in `…` when clipped).
    public static func scrub(_ text: String) -> String {
        let chars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if isDigit(c) {
                // Extent of the digit run: digits, with single separators between two digits.
                var j = i + 1
                var digits = 1
                var end = i + 1
                while j < chars.count {
                    if isDigit(chars[j]) {
                        digits += 1; j += 1; end = j
                    } else if isSeparator(chars[j]), j + 1 < chars.count, isDigit(chars[j + 1]) {
                        j += 1
                    } else {
                        break
                    }
                }
                if digits >= 9 || isDate(chars[i..<end]) {
                    out.append(contentsOf: marker.unicodeScalars)
                } else {
                    out.append(contentsOf: chars[i..<end])
                }
                i = end
                continue
            }
            out.append(c.properties.generalCategory == .control ? " " : c)
            i += 1
        }
        let result = String(out)
        guard result.count > maxLength else { return result }
        return String(result.prefix(maxLength - 1)) + "…"
    }

    /// `YYYY-MM-DD`: a date here may be a birth date.
    private static func isDate(_ run: ArraySlice<Unicode.Scalar>) -> Bool {
        guard run.count == 10 else { return false }
        for (k, c) in run.enumerated() where (k == 4 || k == 7) ? c != "-" : !isDigit(c) { return false }
        return true
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
    private static func isSeparator(_ c: Unicode.Scalar) -> Bool { c == " " || c == "-" }
}
