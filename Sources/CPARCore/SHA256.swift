/// Streaming SHA-256 (FIPS 180-4). Buffers at most one partial 64-byte block.
public struct SHA256: Sendable {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// The pending partial block (fewer than 64 bytes are meaningful).
    private var block = [UInt8](repeating: 0, count: 64)
    private var blockCount = 0
    private var totalBytes: UInt64 = 0

    public init() {}

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        totalBytes &+= UInt64(remaining)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            let w = w.baseAddress!
            if blockCount > 0 {
                let take = min(64 - blockCount, remaining)
                block.withUnsafeMutableBytes { b in
                    (b.baseAddress! + blockCount).copyMemory(from: p, byteCount: take)
                }
                blockCount += take; p += take; remaining -= take
                if blockCount == 64 {
                    block.withUnsafeBytes { b in SHA256.compress(&h, b.baseAddress!, w) }
                    blockCount = 0
                }
            }
            while remaining >= 64 {
                SHA256.compress(&h, p, w)
                p += 64; remaining -= 64
            }
            if remaining > 0 {
                block.withUnsafeMutableBytes { b in b.baseAddress!.copyMemory(from: p, byteCount: remaining) }
                blockCount = remaining
            }
        }
    }

    /// The 32-byte digest of everything passed to `update`. Does not change this value.
    public func finalize() -> [UInt8] {
        var copy = self
        let bitLength = totalBytes &* 8
        var tail: [UInt8] = [0x80]
        let padZeros = (64 + 56 - (blockCount + 1) % 64) % 64
        tail += [UInt8](repeating: 0, count: padZeros)
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        copy.update(tail)
        precondition(copy.blockCount == 0)
        let words = [copy.h.0, copy.h.1, copy.h.2, copy.h.3, copy.h.4, copy.h.5, copy.h.6, copy.h.7]
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in words {
            out.append(UInt8(truncatingIfNeeded: word >> 24)); out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8)); out.append(UInt8(truncatingIfNeeded: word))
        }
        return out
    }

    /// Lowercase hexadecimal.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Digest of `bytes` in one go.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var s = SHA256()
        s.update(bytes)
        return s.finalize()
    }

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    /// One round, with the working variables renamed by the caller instead of shifted.
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                              _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
        d &+= t1
        h = t1 &+ (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
    }

    /// One 64-byte block at `p`; `w` is scratch space for the 64-word schedule.
    private static func compress(_ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32),
                                 _ p: UnsafeRawPointer, _ w: UnsafeMutablePointer<UInt32>) {
        for i in 0..<16 {
            w[i] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
        }
        for i in 16..<64 {
            let w15 = w[i - 15], w2 = w[i - 2]
            let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 &>> 3)
            let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 &>> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = h
        k.withUnsafeBufferPointer { k in
            let k = k.baseAddress!
            var i = 0
            while i < 64 {
                round(a, b, c, &d, e, f, g, &hh, k[i] &+ w[i])
                round(hh, a, b, &c, d, e, f, &g, k[i + 1] &+ w[i + 1])
                round(g, hh, a, &b, c, d, e, &f, k[i + 2] &+ w[i + 2])
                round(f, g, hh, &a, b, c, d, &e, k[i + 3] &+ w[i + 3])
                round(e, f, g, &hh, a, b, c, &d, k[i + 4] &+ w[i + 4])
                round(d, e, f, &g, hh, a, b, &c, k[i + 5] &+ w[i + 5])
                round(c, d, e, &f, g, hh, a, &b, k[i + 6] &+ w[i + 6])
                round(b, c, d, &e, f, g, hh, &a, k[i + 7] &+ w[i + 7])
                i += 8
            }
        }
        h.0 &+= a; h.1 &+= b; h.2 &+= c; h.3 &+= d; h.4 &+= e; h.5 &+= f; h.6 &+= g; h.7 &+= hh
    }
}
