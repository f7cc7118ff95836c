/// A submission period, `YYYY-MM`.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1000...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public init(containing date: CivilDate) {
        let c = date.components
        year = c.year
        month = c.month
    }

    public var description: String { pad(year, 4) + "-" + pad(month, 2) }

    public static func < (a: Period, b: Period) -> Bool { (a.year, a.month) < (b.year, b.month) }
}
