/// A set of `ReasonCode`s as a bit mask (no allocation), listed in declaration order.
public struct ReasonSet: Equatable, Sendable {
    public private(set) var bits: UInt32 = 0

    public init() {}
    public init(_ codes: some Sequence<ReasonCode>) { for c in codes { insert(c) } }
    init(bits: UInt32) { self.bits = bits }

    @inline(__always)
    mutating func formUnion(_ other: ReasonSet) { bits |= other.bits }

    @inline(__always)
    public mutating func insert(_ code: ReasonCode) { bits |= 1 << ReasonSet.ordinal(code) }
    public func contains(_ code: ReasonCode) -> Bool { bits & (1 << ReasonSet.ordinal(code)) != 0 }
    public var isEmpty: Bool { bits == 0 }

    /// The codes, in `ReasonCode` declaration order.
    public var codes: [ReasonCode] {
        var out: [ReasonCode] = []
        out.reserveCapacity(bits.nonzeroBitCount)
        for (i, c) in ReasonSet.all.enumerated() where bits & (1 << UInt32(i)) != 0 { out.append(c) }
        return out
    }

    private static let all = ReasonCode.allCases

    @inline(__always)
    private static func ordinal(_ code: ReasonCode) -> UInt32 {
        switch code {
        case .notActive: 0
        case .missingPHN: 1
        case .invalidPHN: 2
        case .phnCheckDigit: 3
        case .missingDOB: 4
        case .missingFamilyName: 5
        case .missingGender: 6
        case .noLastVisit: 7
        case .lastVisitBeforeDOB: 8
        case .noConfirmationDate: 9
        case .unknownPatient: 10
        case .duplicatePHN: 11
        case .unreadableRecord: 12
        }
    }
}
