import CPARCore

/// `YYYY-MM-DD` → days since 1970-01-01, inlined for the appointments hot path. Accepts exactly what
/// `CivilDate(isoBytes:)` accepts (years 1000...9999, real dates) and gives the same day numbers.
public enum ISODate {
    @inlinable @inline(always)
    public static func days(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard b.count == 10, let p = b.baseAddress, p[4] == 0x2D, p[7] == 0x2D else { return nil }
        let d0 = Int(p[0]) &- 48, d1 = Int(p[1]) &- 48, d2 = Int(p[2]) &- 48, d3 = Int(p[3]) &- 48
        let m0 = Int(p[5]) &- 48, m1 = Int(p[6]) &- 48, a0 = Int(p[8]) &- 48, a1 = Int(p[9]) &- 48
        // Any byte that is not a digit makes its value out of 0...9 (as an unsigned comparison).
        guard UInt(bitPattern: d0) < 10, UInt(bitPattern: d1) < 10, UInt(bitPattern: d2) < 10,
              UInt(bitPattern: d3) < 10, UInt(bitPattern: m0) < 10, UInt(bitPattern: m1) < 10,
              UInt(bitPattern: a0) < 10, UInt(bitPattern: a1) < 10 else { return nil }
        let year = d0 &* 1000 &+ d1 &* 100 &+ d2 &* 10 &+ d3
        let month = m0 &* 10 &+ m1, day = a0 &* 10 &+ a1
        guard year >= 1000, month >= 1, month <= 12, day >= 1 else { return nil }
        let leap = (year & 3 == 0 && year % 100 != 0) || year % 400 == 0
        let length: Int
        switch month {
        case 2: length = leap ? 29 : 28
        case 4, 6, 9, 11: length = 30
        default: length = 31
        }
        guard day <= length else { return nil }
        return Int32(truncatingIfNeeded: Civil.days(year: year, month: month, day: day))
    }
}

extension ISODate {
    /// `YYYY-MM-DD` → the number YYYYMMDD, or nil unless it is a date `days` accepts. Packed dates compare in
    /// calendar order, which is all the appointments scan needs; it converts only the winners to day numbers.
    @inlinable @inline(always)
    public static func packed(_ b: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard b.count == 10, let p = b.baseAddress, p[4] == 0x2D, p[7] == 0x2D else { return nil }
        let d0 = UInt32(p[0]) &- 48, d1 = UInt32(p[1]) &- 48, d2 = UInt32(p[2]) &- 48, d3 = UInt32(p[3]) &- 48
        let m0 = UInt32(p[5]) &- 48, m1 = UInt32(p[6]) &- 48, a0 = UInt32(p[8]) &- 48, a1 = UInt32(p[9]) &- 48
        guard d0 < 10, d1 < 10, d2 < 10, d3 < 10, m0 < 10, m1 < 10, a0 < 10, a1 < 10 else { return nil }
        let year = d0 &* 1000 &+ d1 &* 100 &+ d2 &* 10 &+ d3
        let month = m0 &* 10 &+ m1, day = a0 &* 10 &+ a1
        guard year >= 1000, month &- 1 < 12, day &- 1 < 31 else { return nil }
        if day > 28 {
            switch month {
            case 2:
                guard day == 29, (year & 3 == 0 && year % 100 != 0) || year % 400 == 0 else { return nil }
            case 4, 6, 9, 11:
                guard day <= 30 else { return nil }
            default: break
            }
        }
        return year &* 10_000 &+ month &* 100 &+ day
    }

    /// YYYYMMDD (as from `packed`) → days since 1970-01-01.
    @inlinable
    public static func days(packed v: UInt32) -> Int32 {
        Int32(truncatingIfNeeded: Civil.days(year: Int(v / 10_000), month: Int(v / 100 % 100), day: Int(v % 100)))
    }
}
