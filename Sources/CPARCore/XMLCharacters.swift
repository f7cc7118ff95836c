/// Characters XML 1.0 cannot carry, checked where the EMR data is read (so such a row is an input problem) and
/// again before the payload is written (so a payload never fails its own schema).
public enum XMLCharacters {
    /// True when the UTF-8 `bytes` hold a C0 control other than tab, LF and CR, or U+FFFE / U+FFFF.
    @inlinable
    public static func containsForbidden(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let end = bytes.count
        // Eight bytes at a time while none is below 0x20 or 0xEF (Mycroft's test for a byte below n, and for a zero
        // byte after xor): the usual name is cleared in a word or two. A word that might hold one is looked at byte
        // by byte below, from its start.
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while i &+ 8 <= end {
                let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let control = (w &- ones &* 0x20) & ~w & highs
                let x = w ^ (ones &* 0xEF)
                let ef = (x &- ones) & ~x & highs
                if control | ef != 0 { break }
                i &+= 8
            }
        }
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
