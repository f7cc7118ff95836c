/// The one scrubbing module: what text from outside (the registry, libcurl, spool files, request options) may be
/// kept in history, logs and notices. Three rules, one per kind of text:
/// - `scrub`: error text cpard composes around outside details (libcurl's text, HTTP statuses): digit runs of 9 or
///   more and `YYYY-MM-DD` dates are redacted, control characters flattened, 300 characters at most.
/// - `registryCode`: a registry `Error` code is kept only when it has the registry's code syntax
///   `[A-Z0-9_.-]{1,64}` and holds nothing shaped like a PHN or a date (a digit run of 6 or more); anything else is
///   dropped whole, never repaired.
/// - `scrubQuoting`: a refusal that may quote a spool file: as `scrub`, with `freeText`'s digit rule.
/// - `freeText`: `reason` and `requested_by` (spool files, `cparctl submit`): only letters, digits, spaces and
///   `. , ; : ! ? ' ( ) [ ] / & + # @ _ -` are kept, every digit run of 6 or more (PHNs, birth dates, card numbers) is
///   redacted, 200 characters at most. Whether a word is a patient's name cannot be known; a name typed into a
///   reason is the writer's choice, and these fields are documented as not for patient data.
public enum Redaction {
    public static let maxLength = 300
    public static let marker = "[redacted]"
    /// The longest registry code kept.
    public static let maxCodeLength = 64
    /// The longest `reason` or `requested_by` kept.
    public static let maxFreeTextLength = 200

    /// Replaces every run of 9 or more digits — single spaces or dashes allowed between digits, as in a PHN — and
    /// every `YYYY-MM-DD` date (it may be a birth date) with `[redacted]`, turns control characters (newlines, tabs)
    /// into spaces so the text stays on one line, and clips the result to 300 characters (ending in `…` when clipped).
    public static func scrub(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        redactDigitRuns(Array(text.unicodeScalars), minimum: 9, separators: " -", into: &out) { c in
            c.properties.generalCategory == .control ? " " : c
        }
        return clip(String(out), to: maxLength)
    }

    /// The code when it matches `[A-Z0-9_.-]{1,64}` and has no digit run of 6 or more (separated by `.`, `-` or
    /// `_` or not); nil otherwise: the caller drops it.
    public static func registryCode(_ code: String) -> String? {
        let scalars = Array(code.unicodeScalars)
        guard (1...maxCodeLength).contains(scalars.count), scalars.allSatisfy(isCodeScalar) else { return nil }
        var out = String.UnicodeScalarView()
        let redacted = redactDigitRuns(scalars, minimum: 6, separators: ".-_", into: &out) { $0 }
        return redacted ? nil : code
    }

    /// The registry codes that may be kept, in order, and how many were dropped.
    public static func registryCodes(_ codes: [String]) -> (kept: [String], dropped: Int) {
        let kept = codes.compactMap(registryCode)
        return (kept, codes.count - kept.count)
    }

    /// `reason` / `requested_by` as it may be stored and logged (rules above); nil when nothing is left.
    public static func freeText(_ text: String?) -> String? {
        guard let text else { return nil }
        var out = String.UnicodeScalarView()
        redactDigitRuns(Array(text.unicodeScalars), minimum: 6, separators: " -./", into: &out) { c in
            if c.properties.generalCategory == .control || c.properties.isWhitespace { return " " }
            return isFreeTextScalar(c) ? c : nil
        }
        // One space between words, none at the ends.
        let words = String(out).split(separator: " ", omittingEmptySubsequences: true)
        let joined = words.joined(separator: " ")
        return joined.isEmpty ? nil : clip(joined, to: maxFreeTextLength)
    }

    /// An error message that may quote a spool file (a refused key or panel): as `scrub`, but a digit run of 6 or
    /// more is already redacted, as in `freeText`.
    public static func scrubQuoting(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        redactDigitRuns(Array(text.unicodeScalars), minimum: 6, separators: " -./", into: &out) { c in
            c.properties.generalCategory == .control ? " " : c
        }
        return clip(String(out), to: maxLength)
    }

    // MARK: - Rules

    /// Copies `chars` into `out`, replacing each run of `minimum` or more digits (single `separators` allowed
    /// between two digits) and each `YYYY-MM-DD` date with the marker; other scalars go through `map` (nil drops
    /// one). Returns whether anything was redacted.
    @discardableResult
    private static func redactDigitRuns(_ chars: [Unicode.Scalar], minimum: Int, separators: String,
                                        into out: inout String.UnicodeScalarView,
                                        map: (Unicode.Scalar) -> Unicode.Scalar?) -> Bool {
        let separatorSet = Set(separators.unicodeScalars)
        var redacted = false
        var i = 0
        while i < chars.count {
            let c = chars[i]
            // A UUID (a submission ID) is an identifier cpard made, never patient data: its digit groups stay.
            if isHex(c), i == 0 || !isAlphanumeric(chars[i - 1]), let end = uuidEnd(chars, from: i) {
                for d in chars[i..<end] { if let m = map(d) { out.append(m) } }
                i = end
                continue
            }
            if isDigit(c) {
                // Extent of the digit run: digits, with single separators between two digits.
                var j = i + 1
                var digits = 1
                var end = i + 1
                while j < chars.count {
                    if isDigit(chars[j]) {
                        digits += 1; j += 1; end = j
                    } else if separatorSet.contains(chars[j]), j + 1 < chars.count, isDigit(chars[j + 1]) {
                        j += 1
                    } else {
                        break
                    }
                }
                if digits >= minimum || isDate(chars[i..<end]) {
                    out.append(contentsOf: marker.unicodeScalars)
                    redacted = true
                } else {
                    for d in chars[i..<end] { if let m = map(d) { out.append(m) } }
                }
                i = end
                continue
            }
            if let m = map(c) { out.append(m) }
            i += 1
        }
        return redacted
    }

    private static func clip(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// `YYYY-MM-DD`: a date here may be a birth date.
    private static func isDate(_ run: ArraySlice<Unicode.Scalar>) -> Bool {
        guard run.count == 10 else { return false }
        for (k, c) in run.enumerated() where (k == 4 || k == 7) ? c != "-" : !isDigit(c) { return false }
        return true
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    private static func isHex(_ c: Unicode.Scalar) -> Bool {
        isDigit(c) || (c.value >= 0x41 && c.value <= 0x46) || (c.value >= 0x61 && c.value <= 0x66)
    }

    private static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        isDigit(c) || (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A)
    }

    /// The end of a `8-4-4-4-12` hex UUID starting at `start` and not followed by a letter or digit, or nil.
    private static func uuidEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start
        for (n, group) in [8, 4, 4, 4, 12].enumerated() {
            if n > 0 {
                guard i < chars.count, chars[i] == "-" else { return nil }
                i += 1
            }
            for _ in 0..<group {
                guard i < chars.count, isHex(chars[i]) else { return nil }
                i += 1
            }
        }
        if i < chars.count, isAlphanumeric(chars[i]) { return nil }
        return i
    }

    /// `[A-Z0-9_.-]`.
    private static func isCodeScalar(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 0x41 && c.value <= 0x5A) || isDigit(c) || c == "_" || c == "." || c == "-"
    }

    private static let freeTextPunctuation = Set(".,;:!?'()[]/&+#@_-".unicodeScalars)

    /// Letters of any script, digits, a space, and a little punctuation: no quotes, `=`, `<`, `>`, backslashes or
    /// control or format characters that could forge a log field, a header or a terminal escape.
    private static func isFreeTextScalar(_ c: Unicode.Scalar) -> Bool {
        c == " " || isDigit(c) || c.properties.isAlphabetic || freeTextPunctuation.contains(c)
    }
}
