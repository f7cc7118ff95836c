/// Characters XML 1.0 cannot carry, checked where the EMR data is read (so such a row is an input problem) and
/// again before the payload is written (so a payload never fails its own schema).
public enum XMLCharacters {
    /// True when the UTF-8 `bytes` hold a C0 control other than tab, LF and CR, or U+FFFE / U+FFFF.
    @inlinable
    public static func containsForbidden(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return false }
        // Eight bytes at a time: a word none of whose bytes is below 0x20 or is 0xEF holds nothing forbidden. The
        // last word overlaps the one before it, and a field under eight bytes is read as overlapping pieces, so
        // the usual name is cleared in one or two words. Only a field with a word that might hold one (a tab, say,
        // or any character from U+F000 to U+FFFF) is looked at byte by byte.
        let n = bytes.count
        var i = 0
        while i &+ 8 <= n {
            if mightHoldForbidden(word(base + i)) { return containsForbiddenByteByByte(bytes) }
            i &+= 8
        }
        if i < n && mightHoldForbidden(n >= 8 ? word(base + n - 8) : shortWord(base, n)) {
            return containsForbiddenByteByByte(bytes)
        }
        return false
    }

    /// Some byte of `w` is below 0x20 or is 0xEF (Mycroft's test for a byte below n, and for a zero byte after
    /// xor; both exact).
    @inlinable @inline(__always)
    static func mightHoldForbidden(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (w &- ones &* 0x20) & ~w & highs
        let x = w ^ (ones &* 0xEF)
        return control | ((x &- ones) & ~x & highs) != 0
    }

    @inlinable @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// A word made of the `n` (1…7) bytes at `p` only, some of them repeated: two overlapping 4-byte pieces, or
    /// the first, middle and last bytes and spaces.
    @inlinable @inline(__always)
    static func shortWord(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        if n >= 4 {
            let raw = UnsafeRawPointer(p)
            let a = UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self))
            let b = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            return UInt64(a) | UInt64(b) << 32
        }
        return UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1]) << 16 | 0x2020_2020_2000_0000
    }

    @inlinable
    static func containsForbiddenByteByByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let end = bytes.count
        var i = 0
        while i < end {
            let b = bytes[i]
            if b < 0x20 {
                if b != 0x09 && b != 0x0A && b != 0x0D { return true }
            } else if b == 0xEF, i + 2 < end, bytes[i + 1] == 0xBF, bytes[i + 2] >= 0xBE {
                return true
            }
            i += 1
        }
        return false
    }

    public static let problem = "contains a control character that XML cannot carry"
}
