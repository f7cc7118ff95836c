import CBytes

/// Builds a panel's extract: which patients go, which are excluded and why, and what stops the panel. SPEC §5.
///
/// Pure and allocation-lean: per patient it computes a bit set of reason codes; arrays are built only for the
/// result. Safe to call for many panels in parallel.
public enum PanelValidator {
    public static let maxPanelNameLength = 255

    public static func validate(panel: Panel, site: Site?, members: [PanelMember],
                                providers: [String: Provider], duplicatePHNs: Set<String>, asOf: CivilDate,
                                policy: ValidationPolicy) -> PanelExtract {
        validate(panel: panel, site: site, members: PanelMembers(members), providers: providers,
                 duplicatePHNs: DuplicatePHN.Values(duplicatePHNs), asOf: asOf, policy: policy)
    }

    /// The same with the duplicate PHNs as values (built once for all panels of a run).
    public static func validate(panel: Panel, site: Site?, members: [PanelMember],
                                providers: [String: Provider], duplicatePHNs: DuplicatePHN.Values, asOf: CivilDate,
                                policy: ValidationPolicy) -> PanelExtract {
        validate(panel: panel, site: site, members: PanelMembers(members), providers: providers,
                 duplicatePHNs: duplicatePHNs, asOf: asOf, policy: policy)
    }

    /// The members' records are read where they are (`PanelMembers`): this runs for a million patients a month.
    public static func validate(panel: Panel, site: Site?, members: PanelMembers,
                                providers: [String: Provider], duplicatePHNs: DuplicatePHN.Values, asOf: CivilDate,
                                policy: ValidationPolicy) -> PanelExtract {
        // Each valid member's checked values; `keys` holds its PHN value (high 32 bits) and position in `valid`
        // (low 32 bits), for sorting. The payload's patients are built after the sort, in PHN order.
        var valid: [ValidMember] = []
        var keys: [UInt64] = []
        valid.reserveCapacity(members.count)
        keys.reserveCapacity(members.count)
        var excluded: [(index: Int, reasons: ReasonSet)] = []
        var warned: [Int] = []
        let rejectCheckDigit = policy.phnCheckDigit == .reject
        let checkDuplicates = !duplicatePHNs.isEmpty

        // The checks read each member's 16-byte facts, not its record: a panel's members are scattered over the
        // table, and this way each costs one cache line.
        members.facts.withUnsafeBufferPointer { facts in
          members.recordIndexes.withUnsafeBufferPointer { recordIndexes in
          members.confirmations.withUnsafeBufferPointer { confirmations in
            inBlocks(recordIndexes.count, touch: { i in
                let p = Int(recordIndexes[i])
                if p >= 0 { CBytes_prefetch(facts.baseAddress! + p) }
            }) { i in
                var reasons = ReasonSet()
                let c = confirmations[i]
                let confirmed: CivilDate? = c == .min ? nil : CivilDate(daysSinceEpoch: c)
                if confirmed == nil { reasons.insert(.noConfirmationDate) }
                let p = Int(recordIndexes[i])
                guard p >= 0 else {
                    reasons.insert(.unknownPatient)
                    excluded.append((i, reasons))
                    return
                }
                let f = facts[p]
                reasons.formUnion(f.reasons)
                var checkDigitWarning = false
                if f.hasValidPHN {
                    if f.checkDigitFails {
                        if rejectCheckDigit { reasons.insert(.phnCheckDigit) } else { checkDigitWarning = true }
                    }
                    if checkDuplicates && duplicatePHNs.contains(f.phnValue) { reasons.insert(.duplicatePHN) }
                }
                if checkDigitWarning { warned.append(i) }
                if reasons.isEmpty, f.hasValidPHN, let dob = f.dob, let gender = f.gender, let lastVisit = f.lastVisit,
                   let confirmed {
                    keys.append(UInt64(f.phnValue) << 32 | UInt64(valid.count))
                    valid.append(ValidMember(member: i, record: p, phnValue: f.phnValue, dob: dob, gender: gender,
                                             lastVisit: lastVisit, confirmed: confirmed))
                } else {
                    excluded.append((i, reasons))
                }
            }
          }
          }
        }

        // Valid patients by PHN (9 digits: numeric order is byte order), then patient_id: a stable sort by PHN value
        // keeps member order within a PHN, and the rare runs of one PHN (only when duplicates are not checked)
        // are then put in patient_id order.
        PHNRadixSort.sortByHighWord(&keys)
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count && keys[end] >> 32 == keys[start] >> 32 { end += 1 }
            if end - start > 1 {
                keys[start..<end].sort {
                    bytesPrecede(members.patientID(at: valid[Int($0 & 0xFFFF_FFFF)].member),
                                 members.patientID(at: valid[Int($1 & 0xFFFF_FFFF)].member))
                }
            }
            start = end
        }
        var patients: [ExtractPatient] = []
        patients.reserveCapacity(keys.count)
        let records = members.records
        withExtendedLifetime(records) {
            inBlocks(keys.count, touch: { k in touch(records.record(at: valid[Int(keys[k] & 0xFFFF_FFFF)].record)) }) { k in
                let v = valid[Int(keys[k] & 0xFFFF_FFFF)]
                let record = records.record(at: v.record)
                let phn = record.pointee.phn
                patients.append(ExtractPatient(
                    phn: phn.utf8.count == 9 ? phn : PHN.digits(v.phnValue),
                    familyName: record.pointee.familyName, givenName: record.pointee.givenName,
                    dob: v.dob, gender: v.gender, lastVisit: v.lastVisit, confirmationDate: v.confirmed))
            }
        }

        // Members in patient_id order give findings in that order (they were appended in member order).
        if !members.inPatientIDOrder {
            excluded.sort { bytesPrecede(members.patientID(at: $0.index), members.patientID(at: $1.index)) }
            warned.sort { bytesPrecede(members.patientID(at: $0), members.patientID(at: $1)) }
        }
        var excludedFindings: [PatientFinding] = []
        excludedFindings.reserveCapacity(excluded.count)
        withExtendedLifetime(records) {
            inBlocks(excluded.count, touch: { e in
                let p = members.recordIndex(at: excluded[e].index)
                if p >= 0 { prefetchPatientID(records.record(at: p)) }
            }) { e in
                excludedFindings.append(PatientFinding(patientID: members.patientID(at: excluded[e].index),
                                                       reasons: excluded[e].reasons.codes,
                                                       issues: members.issues(at: excluded[e].index)))
            }
        }
        let warningFindings = warned.map { i in
            PatientFinding(patientID: members.patientID(at: i), reasons: [.phnCheckDigit], issues: members.issues(at: i))
        }

        let problems = panelProblems(panel: panel, site: site, providers: providers, validCount: patients.count,
                                     excludedCount: excludedFindings.count, policy: policy)
        let practitioners = panel.practitionerIDs.compactMap { id in
            providers[id].map {
                ExtractPractitioner(practitionerID: $0.practitionerID, familyName: $0.familyName, givenName: $0.givenName)
            }
        }
        return PanelExtract(panel: panel, site: site, asOf: asOf, problems: problems, patients: patients,
                            facilityIDs: panel.facilityIDs.map(FacilityID.normalized), practitioners: practitioners,
                            excluded: excludedFindings, warnings: warningFindings)
    }

    /// What the validator found of a valid member, kept until the payload's patients are built in PHN order.
    private struct ValidMember {
        var member: Int
        var record: Int
        var phnValue: UInt32
        var dob: CivilDate
        var gender: Gender
        var lastVisit: CivilDate
        var confirmed: CivilDate
    }

    /// Members per block: the next block's reads are started while this one is checked (32 measured a little
    /// better than 16).
    private static let touchAhead = 32

    /// `body(i)` for every i in 0..<count, in blocks of `touchAhead`: `touch` (which prefetches what `body` will
    /// read) is called for the next block before `body` runs for this one, so the cache misses of scattered
    /// reads overlap with the work instead of coming one after another inside `body`.
    @inline(__always)
    private static func inBlocks(_ count: Int, touch: (Int) -> Void, _ body: (Int) -> Void) {
        for i in 0..<min(touchAhead, count) { touch(i) }
        var block = 0
        while block < count {
            let end = min(block + touchAhead, count)
            for i in end..<min(end + touchAhead, count) { touch(i) }
            for i in block..<end { body(i) }
            block = end
        }
    }

    /// Prefetches the words of a record that the payload reads (its PHN and names, two cache lines at most).
    @inline(__always)
    private static func touch(_ record: UnsafePointer<PatientRecord>) {
        let raw = UnsafeRawPointer(record)
        CBytes_prefetch(raw + MemoryLayout<PatientRecord>.offset(of: \.phn)!)
        CBytes_prefetch(raw + MemoryLayout<PatientRecord>.offset(of: \.givenName)!)
    }

    @inline(__always)
    private static func prefetchPatientID(_ record: UnsafePointer<PatientRecord>) {
        CBytes_prefetch(UnsafeRawPointer(record) + MemoryLayout<PatientRecord>.offset(of: \.patientID)!)
    }

    /// Panel-level problems, in `PanelProblem` declaration order.
    public static func panelProblems(panel: Panel, site: Site?, providers: [String: Provider],
                                     validCount: Int, excludedCount: Int, policy: ValidationPolicy) -> [PanelProblem] {
        var problems: [PanelProblem] = []
        if site.map({ isBlank($0.name) || isBlank($0.siteID) }) ?? true { problems.append(.siteNotConfigured) }
        if panel.name.count > maxPanelNameLength { problems.append(.panelNameTooLong) }
        if let number = panel.number, !number.isEmpty {
            if !isPanelNumber(number) { problems.append(.invalidPanelNumber) }
        } else if panel.cparEnabled {
            problems.append(.invalidPanelNumber)
        }
        if panel.facilityIDs.isEmpty { problems.append(.noFacility) }
        if !panel.facilityIDs.allSatisfy(FacilityID.isValid) { problems.append(.invalidFacilityID) }
        if panel.practitionerIDs.isEmpty { problems.append(.noPractitioner) }
        if !panel.practitionerIDs.allSatisfy({ providers[$0].map { !isBlank($0.practitionerID) } ?? false }) {
            problems.append(.practitionerWithoutID)
        }
        if validCount == 0 { problems.append(.noValidPatients) }
        if policy.invalidPatients == .fail && excludedCount > 0 { problems.append(.invalidPatients) }
        return problems
    }

    /// A CPAR panel number: 1–10 ASCII digits.
    public static func isPanelNumber(_ s: String) -> Bool {
        (1...10).contains(s.utf8.count) && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    @inline(__always)
    static func isBlank(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }

    /// Byte order of the UTF-8 encodings.
    @inline(__always)
    static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
