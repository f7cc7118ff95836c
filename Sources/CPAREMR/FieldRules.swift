import CPARCore

/// How EMR field values are read (SPEC §2). All take trimmed bytes.
enum FieldRules {
    /// Patient `status`: `active` in any case.
    @inline(always)
    static func isActive(_ b: UnsafeBufferPointer<UInt8>) -> Bool { CSVBytes.equalsIgnoringCase(b, "active") }

    enum GenderValue { case value(Gender?), invalid }

    /// `M`, `F`, `X` in any case; empty or `U`/`u` is missing; anything else is invalid.
    @inline(always)
    static func gender(_ b: UnsafeBufferPointer<UInt8>) -> GenderValue {
        if b.isEmpty { return .value(nil) }
        guard b.count == 1 else { return .invalid }
        switch b[0] | 0x20 {
        case UInt8(ascii: "m"): return .value(.male)
        case UInt8(ascii: "f"): return .value(.female)
        case UInt8(ascii: "x"): return .value(.other)
        case UInt8(ascii: "u"): return .value(nil)
        default: return .invalid
        }
    }

    /// Appointment `status`: everything counts as a visit except cancelled/canceled and no_show/no show (any case).
    @inline(always)
    static func countsAsVisit(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        // Most statuses ("completed", "booked", …) differ from both words in their first two letters: one 16-bit
        // comparison (case folded) settles them before the letter-by-letter checks.
        guard b.count >= 7 && b.count <= 9, let p = b.baseAddress else { return true }
        let head = UnsafeRawPointer(p).loadUnaligned(as: UInt16.self) | 0x2020
        guard head == FieldRules.ca || head == FieldRules.no else { return true }
        switch b.count {
        case 7: return !(CSVBytes.equalsIgnoringCase(b, "no_show") || CSVBytes.equalsIgnoringCase(b, "no show"))
        case 8: return !CSVBytes.equalsIgnoringCase(b, "canceled")
        case 9: return !CSVBytes.equalsIgnoringCase(b, "cancelled")
        default: return true
        }
    }

    /// "ca" and "no" as little-endian 16-bit words.
    private static let ca = UInt16(UInt8(ascii: "c")) | UInt16(UInt8(ascii: "a")) << 8
    private static let no = UInt16(UInt8(ascii: "n")) | UInt16(UInt8(ascii: "o")) << 8

    static func fieldCountMessage(expected: Int, found: Int) -> String {
        "expected \(expected) fields (as in the header), found \(found)"
    }
}
