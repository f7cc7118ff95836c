/// Alberta Personal Health Numbers. SPEC §5.
public enum PHN {
    public enum Classification: Equatable, Sendable {
        /// Empty (after trimming whitespace).
        case missing
        /// Not exactly 9 ASCII digits after removing spaces and dashes.
        case invalid
        /// 9 digits; `checkDigitOK` tells whether the Alberta check digit holds.
        case valid(normalized: String, checkDigitOK: Bool)
    }

    /// Removes spaces and dashes. Returns `raw` itself when it holds none (no allocation on the hot path).
    public static func normalize(_ raw: String) -> String {
        guard raw.utf8.contains(where: isSeparator) else { return raw }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        for b in raw.utf8 where !isSeparator(b) { bytes.append(b) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func classify(_ raw: String) -> Classification {
        let scan = scan(raw)
        switch scan.kind {
        case .missing: return .missing
        case .invalid: return .invalid
        case .valid:
            let normalized = scan.hasSeparators ? digits(scan.value) : raw
            return .valid(normalized: normalized, checkDigitOK: checkDigitIsValid(value: scan.value))
        }
    }

    /// One pass over the raw PHN: its kind, its 9-digit value when valid, and whether it held spaces or dashes.
    @usableFromInline
    struct Scan {
        enum Kind { case missing, invalid, valid }
        var kind: Kind
        var value: UInt32
        var hasSeparators: Bool
    }

    @usableFromInline
    static func scan(_ raw: String) -> Scan {
        // Over contiguous UTF-8 (a small string is copied to the stack): far cheaper than iterating `utf8`.
        var raw = raw
        return raw.withUTF8 { scan($0) }
    }

    @inline(__always)
    private static func scan(_ raw: UnsafeBufferPointer<UInt8>) -> Scan {
        var digits = 0
        var other = false
        var nonBlank = false
        var separators = false
        var value: UInt32 = 0
        for b in raw {
            if b &- 0x30 < 10 {
                digits &+= 1
                nonBlank = true
                if digits <= 9 { value = value &* 10 &+ UInt32(b &- 0x30) }
            } else if b == 0x20 {
                separators = true
            } else if b == 0x2D {
                separators = true
                nonBlank = true
            } else {
                other = true
                if !isWhitespace(b) { nonBlank = true }
            }
        }
        if !nonBlank { return Scan(kind: .missing, value: 0, hasSeparators: separators) }
        if other || digits != 9 { return Scan(kind: .invalid, value: 0, hasSeparators: separators) }
        return Scan(kind: .valid, value: value, hasSeparators: separators)
    }

    /// A 9-digit value as its zero-padded string.
    static func digits(_ value: UInt32) -> String {
        var v = value
        return String(unsafeUninitializedCapacity: 9) { buf in
            for i in stride(from: 8, through: 0, by: -1) { buf[i] = 0x30 + UInt8(v % 10); v /= 10 }
            return 9
        }
    }

    /// True when the 5th of the nine digits equals the check digit computed from the other eight.
    /// Returns false unless `nineDigits` is exactly 9 ASCII digits.
    public static func checkDigitIsValid(_ nineDigits: String) -> Bool {
        guard let value = numericValue(nineDigits) else { return false }
        return checkDigitIsValid(value: value)
    }

    /// The 9-digit PHN whose body (digits 1–4 and 6–9) is `body8`, with the check digit in 5th place.
    /// `body8` must be exactly 8 ASCII digits (a precondition).
    public static func withCheckDigit(body8: String) -> String {
        let d = Array(body8.utf8)
        precondition(d.count == 8 && d.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }, "body8 must be 8 ASCII digits")
        let check = checkDigit(body: d.map { Int($0 - 0x30) })
        var out = d
        out.insert(UInt8(0x30 + check), at: 4)
        return String(decoding: out, as: UTF8.self)
    }

    /// A 9-digit PHN as a number (for compact keys), or nil unless `normalized` is exactly 9 ASCII digits.
    public static func numericValue(_ normalized: String) -> UInt32? {
        var value: UInt32 = 0
        var count = 0
        for b in normalized.utf8 {
            guard b >= 0x30 && b <= 0x39, count < 9 else { return nil }
            value = value * 10 + UInt32(b - 0x30)
            count += 1
        }
        return count == 9 ? value : nil
    }

    // MARK: - Arithmetic

    @inline(__always)
    static func checkDigitIsValid(value: UInt32) -> Bool {
        var v = Int(value)
        var sum = 0
        var check = 0
        // Positions 9 down to 1; position 5 is the check digit, the rest form the body
        // (positions 1–4 → body 0–3, 6–9 → body 4–7); odd body indexes are doubled.
        for position in stride(from: 9, through: 1, by: -1) {
            let d = v % 10
            v /= 10
            if position == 5 { check = d; continue }
            let bodyIndex = position < 5 ? position - 1 : position - 2
            sum += bodyIndex & 1 == 0 ? d : luhnDouble(d)
        }
        return (10 - sum % 10) % 10 == check
    }

    /// Check digit for an 8-digit body: weights 1,2,1,2,… from the left, digits of each product summed.
    static func checkDigit(body: [Int]) -> Int {
        var sum = 0
        for (i, d) in body.enumerated() { sum += i % 2 == 0 ? d : luhnDouble(d) }
        return (10 - sum % 10) % 10
    }

    @inline(__always)
    static func luhnDouble(_ d: Int) -> Int { let p = d * 2; return p > 9 ? p - 9 : p }

    @inline(__always)
    static func isSeparator(_ b: UInt8) -> Bool { b == 0x20 || b == 0x2D }

    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x09 || b == 0x0A || b == 0x0D || b == 0x20 }
}
