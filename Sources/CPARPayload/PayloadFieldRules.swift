import CPARCore

/// The schema's rules for field values, checked before writing so a payload never fails its own XSD.
/// Messages name rules, never values.
enum PayloadFieldRules {
    /// `8-4-4-4-12` hex digits, either case.
    static func isUUID(_ s: String) -> Bool {
        var i = 0
        for b in s.utf8 {
            switch i {
            case 8, 13, 18, 23: guard b == UInt8(ascii: "-") else { return false }
            default: guard isHex(b) else { return false }
            }
            i += 1
        }
        return i == 36
    }

    /// Only ASCII digits, and a count in `lengths`.
    static func isDigits(_ s: String, _ lengths: ClosedRange<Int>) -> Bool {
        var n = 0
        for b in s.utf8 {
            guard b >= 0x30 && b <= 0x39 else { return false }
            n += 1
        }
        return lengths.contains(n)
    }

    /// Why `s` is not a schema identifier (site or practitioner ID), or nil when it is one.
    static func identifierProblem(_ s: String) -> String? {
        let count = s.unicodeScalars.count
        if count == 0 { return "is empty" }
        if count > 64 { return "is longer than 64 characters" }
        if s.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) { return "contains a line break" }
        if isSchemaSpace(s.utf8.first!) || isSchemaSpace(s.utf8.last!) { return "starts or ends with white space" }
        return characterProblem(s)
    }

    /// Why `s` is not a schema label (site or panel name, 1–255 characters), or nil when it is one.
    static func labelProblem(_ s: String) -> String? {
        let count = s.unicodeScalars.count
        if count == 0 { return "is empty" }
        if count > 255 { return "is longer than 255 characters" }
        return characterProblem(s)
    }

    /// A problem when `s` holds a character XML 1.0 cannot carry (C0 controls other than tab, LF, CR;
    /// U+FFFE, U+FFFF), or nil. Swift strings are valid UTF-8, so nothing else can be wrong.
    @inline(__always)
    static func characterProblem(_ s: String) -> String? {
        var copy = s
        return copy.withUTF8 { XMLCharacters.containsForbidden($0) } ? forbiddenCharacter : nil
    }

    static let forbiddenCharacter = XMLCharacters.problem

    private static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    /// XSD `\s`: space, tab, LF, CR.
    private static func isSchemaSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
}
