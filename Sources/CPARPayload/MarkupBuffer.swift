import CPARCore

/// A reusable buffer for the fixed markup around a patient's values. It only ever holds element tags and
/// values that cannot need escaping (ASCII digits, '-', M/F/X, and text without any character libxml2 escapes);
/// other text goes through libxml2.
struct MarkupBuffer {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    func deallocate() { base.deallocate() }

    @inline(__always)
    mutating func reset() { count = 0 }

    @inline(__always)
    mutating func append(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        precondition(count + n <= capacity)
        (base + count).update(from: s.utf8Start, count: n)
        count += n
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        precondition(count < capacity)
        base[count] = byte
        count += 1
    }

    /// `value` in decimal, zero-padded to `width` digits (`value` must fit).
    @inline(__always)
    mutating func append(digits value: Int, width: Int) {
        precondition(count + width <= capacity)
        var v = value
        var i = count + width - 1
        while i >= count {
            base[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
            v /= 10
            i -= 1
        }
        count += width
    }

    /// Appends `text` if it has none of the characters libxml2's text escaping changes (`& < > "` and CR, see
    /// `xmlEncodeSpecialChars`; NUL, which libxml2 would cut at) and it fits: its escaped form is then itself. Else
    /// appends nothing and returns false.
    @inline(__always)
    mutating func append(textNeedingNoEscape text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard count + bytes.count <= capacity else { return false }
            for b in bytes where b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x0D || b == 0 { return false }
            if let from = bytes.baseAddress { (base + count).update(from: from, count: bytes.count) }
            count += bytes.count
            return true
        }
    }

    /// `YYYY-MM-DD`; false (nothing appended) unless the year has four digits. Written two digits at a time from
    /// a 200-byte table (a table of whole dates measured slower: its cache misses cost more than the arithmetic).
    @inline(__always)
    mutating func append(date: CivilDate) -> Bool {
        let c = date.components
        guard (1000...9999).contains(c.year) else { return false }
        precondition(count + 10 <= capacity)
        let out = base + count
        MarkupBuffer.pair(c.year / 100, to: out)
        MarkupBuffer.pair(c.year % 100, to: out + 2)
        out[4] = UInt8(ascii: "-")
        MarkupBuffer.pair(c.month, to: out + 5)
        out[7] = UInt8(ascii: "-")
        MarkupBuffer.pair(c.day, to: out + 8)
        count += 10
        return true
    }

    private static let digitPairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// The two digits of `value` (0...99).
    @inline(__always)
    private static func pair(_ value: Int, to out: UnsafeMutablePointer<UInt8>) {
        out.update(from: digitPairs.utf8Start + 2 * value, count: 2)
    }
}
