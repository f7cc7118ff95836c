/// What validation needs of one patient record and its last visit, worked out once per record: 16 bytes instead of
/// the record's hundred, so that checking a panel's scattered members reads one cache line each. The reasons that
/// depend on the panel (confirmation date, unknown patient, duplicate PHN) and on the policy (check digit) are
/// left to `PanelValidator`.
public struct PatientFacts: Equatable, Sendable {
    /// The PHN's 9-digit value when it is well formed (9 digits once spaces and dashes are removed), else 0.
    public let phnValue: UInt32
    /// Days since 1970-01-01; `Int32.min` when there is no readable birth date.
    public let dobDays: Int32
    /// Days since 1970-01-01 of the last counting visit; `Int32.min` when there is none.
    public let lastVisitDays: Int32
    /// The record's own reasons (`ReasonSet` bits): NOT_ACTIVE, MISSING_PHN, INVALID_PHN, MISSING_DOB,
    /// MISSING_FAMILY_NAME, MISSING_GENDER, NO_LAST_VISIT, LAST_VISIT_BEFORE_DOB, UNREADABLE_RECORD.
    let reasonBits: UInt16
    /// Bits 0–1: gender (0 none, 1 M, 2 F, 3 X); bit 2: a well-formed PHN whose check digit fails.
    private let flags: UInt8

    /// The facts of `record` and its last visit (`Int32.min`: none).
    public init(record: borrowing PatientRecord, lastVisitDays: Int32) {
        self = PatientFacts(record: record).withLastVisit(days: lastVisitDays)
    }

    /// The facts of `record` as if it had no last visit: what a reader knows before the appointments are read.
    /// `withLastVisit(days:)` completes them.
    public init(record: borrowing PatientRecord) {
        var reasons = ReasonSet()
        if !record.isActive { reasons.insert(.notActive) }
        let scan = PHN.scan(record.phn)
        var checkDigitFails = false
        switch scan.kind {
        case .missing: reasons.insert(.missingPHN)
        case .invalid: reasons.insert(.invalidPHN)
        case .valid: checkDigitFails = !PHN.checkDigitIsValid(value: scan.value)
        }
        if record.dob == nil { reasons.insert(.missingDOB) }
        if PanelValidator.isBlank(record.familyName) { reasons.insert(.missingFamilyName) }
        if record.gender == nil { reasons.insert(.missingGender) }
        reasons.insert(.noLastVisit)
        if record.unreadable { reasons.insert(.unreadableRecord) }
        phnValue = scan.kind == .valid ? scan.value : 0
        dobDays = record.dob?.daysSinceEpoch ?? .min
        lastVisitDays = .min
        reasonBits = UInt16(truncatingIfNeeded: reasons.bits)
        let gender: UInt8 = switch record.gender {
        case nil: 0
        case .male: 1
        case .female: 2
        case .other: 3
        }
        flags = gender | (checkDigitFails ? 4 : 0)
    }

    private init(phnValue: UInt32, dobDays: Int32, lastVisitDays: Int32, reasonBits: UInt16, flags: UInt8) {
        self.phnValue = phnValue; self.dobDays = dobDays; self.lastVisitDays = lastVisitDays
        self.reasonBits = reasonBits; self.flags = flags
    }

    /// The same facts with the last visit on day `days` (`Int32.min`: none) and the reasons it gives.
    @inline(__always)
    public func withLastVisit(days: Int32) -> PatientFacts {
        var bits = reasonBits & ~Self.visitBits
        if days == .min {
            bits |= Self.noLastVisitBit
        } else if dobDays != .min && days < dobDays {
            bits |= Self.visitBeforeBirthBit
        }
        return PatientFacts(phnValue: phnValue, dobDays: dobDays, lastVisitDays: days, reasonBits: bits, flags: flags)
    }

    private static let noLastVisitBit = UInt16(truncatingIfNeeded: ReasonSet([.noLastVisit]).bits)
    private static let visitBeforeBirthBit = UInt16(truncatingIfNeeded: ReasonSet([.lastVisitBeforeDOB]).bits)
    private static let visitBits = noLastVisitBit | visitBeforeBirthBit

    /// The record's own reasons (see `reasonBits`).
    @inline(__always)
    public var reasons: ReasonSet { ReasonSet(bits: UInt32(reasonBits)) }

    /// The PHN is well formed (its value is `phnValue`).
    @inline(__always)
    public var hasValidPHN: Bool { reasonBits & Self.phnProblemBits == 0 }

    @inline(__always)
    public var checkDigitFails: Bool { flags & 4 != 0 }

    public var gender: Gender? {
        switch flags & 3 {
        case 1: .male
        case 2: .female
        case 3: .other
        default: nil
        }
    }

    public var dob: CivilDate? { dobDays == .min ? nil : CivilDate(daysSinceEpoch: dobDays) }
    public var lastVisit: CivilDate? { lastVisitDays == .min ? nil : CivilDate(daysSinceEpoch: lastVisitDays) }

    private static let phnProblemBits = UInt16(truncatingIfNeeded: ReasonSet([.missingPHN, .invalidPHN]).bits)

    /// The facts of every record, aligned with `records` and `lastVisitDays` (snapshots built in memory, tests; the
    /// EMR loader works them out as it reads).
    public static func table(_ records: PatientTable, lastVisitDays: [Int32]) -> [PatientFacts] {
        precondition(records.count == lastVisitDays.count, "last visits must be aligned with the records")
        return records.indices.map { PatientFacts(record: records.record(at: $0).pointee, lastVisitDays: lastVisitDays[$0]) }
    }
}
