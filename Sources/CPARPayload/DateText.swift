import CPARCore

/// `YYYY-MM-DD` of every day from 1900-01-01 to 2099-12-31 (10 bytes each, 730 KB, made once on first use):
/// a payload's dates are copied rather than computed and formatted, three per patient.
enum DateText {
    private static let first = CivilDate(year: 1900, month: 1, day: 1)!.daysSinceEpoch
    private static let days = Int(CivilDate(year: 2100, month: 1, day: 1)!.daysSinceEpoch - first)
    private static let table: [UInt8] = {
        var bytes = [UInt8](repeating: 0, count: days * 10)
        var at = 0
        func put(_ value: Int, _ width: Int) {
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) { bytes[at + i] = UInt8(0x30 + v % 10); v /= 10 }
            at += width
        }
        for d in 0..<days {
            let c = CivilDate(daysSinceEpoch: first + Int32(d)).components
            put(c.year, 4); bytes[at] = 0x2D; at += 1
            put(c.month, 2); bytes[at] = 0x2D; at += 1
            put(c.day, 2)
        }
        return bytes
    }()

    /// Writes the 10 bytes of `date` to `out` if it is in the table's range.
    @inline(__always)
    static func copy(_ date: CivilDate, to out: UnsafeMutablePointer<UInt8>) -> Bool {
        let d = Int(date.daysSinceEpoch) - Int(first)
        guard d >= 0 && d < days else { return false }
        table.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + d * 10, count: 10) }
        return true
    }
}
