/// The one reader of `key = value` lines, shared by the configuration file and spool request files: a leading BOM
/// is skipped, lines are split on LF (a CR before it is dropped), blank lines and `#` comments are skipped, and the
/// key and value are trimmed of spaces and tabs. What a key or value may hold is the caller's rule.
public enum KeyValueLines {
    public struct Line: Equatable, Sendable {
        /// 1-based line number in the text.
        public let number: Int
        public let key: String
        public let value: String
    }

    /// A line that is neither blank, a comment, nor `key = value`.
    public struct Malformed: Error, Equatable {
        public let line: Int
        public init(line: Int) { self.line = line }
    }

    /// The `key = value` lines of `text`.
    /// - Parameter inlineComments: `#` starts a comment anywhere on a line (the config file); otherwise only at the
    ///   start of one (a spool file's `reason` may hold a `#`).
    public static func parse(_ text: String, inlineComments: Bool) throws(Malformed) -> [Line] {
        var out: [Line] = []
        var number = 0
        // Split on the scalars: in Swift "\r\n" is one Character and would not match "\n".
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        for rawLine in body.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(rawLine)
            if line.unicodeScalars.last == "\r" { line = Substring(line.unicodeScalars.dropLast()) }
            if inlineComments, let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let eq = trimmed.firstIndex(of: "=") else { throw Malformed(line: number) }
            out.append(Line(number: number, key: String(trimmed[..<eq].trimmingSpaces),
                            value: String(trimmed[trimmed.index(after: eq)...].trimmingSpaces)))
        }
        return out
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: SubSequence {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
