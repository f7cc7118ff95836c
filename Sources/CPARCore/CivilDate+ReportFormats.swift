/// The date formats of CPAR portal reports (SPEC §14): `YYYY-MM-DD`, `YYYY/MM/DD` and `DD-Mon-YYYY`.
extension CivilDate {
    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Parses `YYYY-MM-DD`, `YYYY/MM/DD` or `DD-Mon-YYYY` (day of one or two digits, month name in any case,
    /// e.g. `5-Mar-1985`, `05-MAR-1985`). Nil for anything else or an impossible date.
    public init?(reportText text: some StringProtocol) {
        let b = Array(text.utf8)
        func number(_ s: ArraySlice<UInt8>) -> Int? {
            guard !s.isEmpty, s.count <= 4, s.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return s.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        if b.count == 10, b[4] == b[7], b[4] == UInt8(ascii: "-") || b[4] == UInt8(ascii: "/"),
           let y = number(b[0..<4]), let m = number(b[5..<7]), let d = number(b[8..<10]) {
            self.init(year: y, month: m, day: d)
            return
        }
        let parts = b.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), parts[1].count == 3, parts[2].count == 4,
              let d = number(parts[0]), let y = number(parts[2]) else { return nil }
        let name = String(decoding: parts[1], as: UTF8.self).lowercased()
        guard let m = Self.monthNames.firstIndex(of: name) else { return nil }
        self.init(year: y, month: m + 1, day: d)
    }
}
