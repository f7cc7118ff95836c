#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte helpers for CSV fields.
@usableFromInline package enum CSVBytes {
    /// Drops leading and trailing ASCII spaces and tabs.
    @inlinable @inline(always)
    package static func trim(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = b.baseAddress, b.count > 0 else { return b }
        // Bytes above 0x20 at both ends (the usual field) need no trimming; others take the loops.
        if base[0] > 0x20 && base[b.count - 1] > 0x20 { return b }
        var lo = 0, hi = b.count
        while lo < hi, base[lo] == 0x20 || base[lo] == 0x09 { lo += 1 }
        while hi > lo, base[hi - 1] == 0x20 || base[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(start: base + lo, count: hi - lo)
    }

    /// True when `b` equals the lowercase ASCII `lower`, ignoring ASCII case.
    @inlinable @inline(always)
    package static func equalsIgnoringCase(_ b: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        guard b.count == lower.utf8CodeUnitCount, let base = b.baseAddress else { return b.isEmpty && lower.utf8CodeUnitCount == 0 }
        let l = lower.utf8Start
        for i in 0..<b.count {
            var c = base[i]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != l[i] { return false }
        }
        return true
    }

    /// True when the two byte ranges are equal.
    @inlinable @inline(always)
    package static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n > 0, let p = a.baseAddress, let q = b.baseAddress else { return true }
        if n <= 16 && n >= 8 {
            // Two overlapping 8-byte loads cover 8...16 bytes (short IDs, the common case).
            let r = UnsafeRawPointer(p), t = UnsafeRawPointer(q)
            return r.loadUnaligned(as: UInt64.self) == t.loadUnaligned(as: UInt64.self)
                && r.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                    == t.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return memcmp(p, q, n) == 0
    }
}
