/// Builds a panel's extract: which patients go, which are excluded and why, and what stops the panel. SPEC §5.
///
/// Pure and allocation-lean: per patient it computes a bit set of reason codes; arrays are built only for the
/// result. Safe to call for many panels in parallel.
public enum PanelValidator {
    public static let maxPanelNameLength = 255

    public static func validate(panel: Panel, site: Site?, members: [PanelMember],
                                providers: [String: Provider], duplicatePHNs: Set<String>, asOf: CivilDate,
                                policy: ValidationPolicy) -> PanelExtract {
        validate(panel: panel, site: site, members: members, providers: providers,
                 duplicatePHNs: DuplicatePHN.Values(duplicatePHNs), asOf: asOf, policy: policy)
    }

    /// The same with the duplicate PHNs as values (built once for all panels of a run).
    public static func validate(panel: Panel, site: Site?, members: [PanelMember],
                                providers: [String: Provider], duplicatePHNs: DuplicatePHN.Values, asOf: CivilDate,
                                policy: ValidationPolicy) -> PanelExtract {
        // Valid patients are built where every field they need is bound, in member order; `keys` holds each one's
        // PHN value (high 32 bits) and position in `built` (low 32 bits), for sorting.
        var built: [ExtractPatient] = []
        var builtMember: [Int] = []
        var keys: [UInt64] = []
        built.reserveCapacity(members.count)
        builtMember.reserveCapacity(members.count)
        keys.reserveCapacity(members.count)
        var excluded: [(index: Int, reasons: ReasonSet)] = []
        var warned: [Int] = []
        let rejectCheckDigit = policy.phnCheckDigit == .reject
        let checkDuplicates = !duplicatePHNs.isEmpty

        // Members are read in place (no copy of the whole member): this loop runs a million times a month.
        members.withUnsafeBufferPointer { all in
            for i in all.indices {
                let m = all.baseAddress! + i
                var reasons = ReasonSet()
                let confirmed = m.pointee.membership.confirmationDate
                if confirmed == nil { reasons.insert(.noConfirmationDate) }
                guard let patient = m.pointee.patient else {
                    reasons.insert(.unknownPatient)
                    excluded.append((i, reasons))
                    continue
                }
                var checkDigitWarning = false
                var phnValue: UInt32 = 0
                if !patient.isActive { reasons.insert(.notActive) }
                let scan = PHN.scan(patient.phn)
                switch scan.kind {
                case .missing: reasons.insert(.missingPHN)
                case .invalid: reasons.insert(.invalidPHN)
                case .valid:
                    phnValue = scan.value
                    if !PHN.checkDigitIsValid(value: scan.value) {
                        if rejectCheckDigit { reasons.insert(.phnCheckDigit) } else { checkDigitWarning = true }
                    }
                    if checkDuplicates && duplicatePHNs.contains(scan.value) { reasons.insert(.duplicatePHN) }
                }
                if patient.dob == nil { reasons.insert(.missingDOB) }
                if isBlank(patient.familyName) { reasons.insert(.missingFamilyName) }
                if patient.gender == nil { reasons.insert(.missingGender) }
                let lastVisit = m.pointee.lastVisit
                if let lastVisit {
                    if let dob = patient.dob, lastVisit < dob { reasons.insert(.lastVisitBeforeDOB) }
                } else {
                    reasons.insert(.noLastVisit)
                }
                if patient.unreadable { reasons.insert(.unreadableRecord) }
                if checkDigitWarning { warned.append(i) }
                if reasons.isEmpty, scan.kind == .valid, let dob = patient.dob, let gender = patient.gender,
                   let lastVisit, let confirmed {
                    keys.append(UInt64(phnValue) << 32 | UInt64(built.count))
                    builtMember.append(i)
                    built.append(ExtractPatient(
                        phn: patient.phn.utf8.count == 9 ? patient.phn : PHN.digits(phnValue),
                        familyName: patient.familyName, givenName: patient.givenName, dob: dob, gender: gender,
                        lastVisit: lastVisit, confirmationDate: confirmed))
                } else {
                    excluded.append((i, reasons))
                }
            }
        }

        // Valid patients by PHN (9 digits: numeric order is byte order), then patient_id: the keys sort as plain
        // integers, then the rare runs of one PHN (only when duplicates are not checked) by patient_id.
        keys.sort()
        var order = keys.map { Int(truncatingIfNeeded: $0 & 0xFFFF_FFFF) }
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count && keys[end] >> 32 == keys[start] >> 32 { end += 1 }
            if end - start > 1 {
                order[start..<end].sort {
                    bytesPrecede(members[builtMember[$0]].membership.patientID, members[builtMember[$1]].membership.patientID)
                }
            }
            start = end
        }
        let patients = order.map { built[$0] }

        excluded.sort { bytesPrecede(members[$0.index].membership.patientID, members[$1.index].membership.patientID) }
        let excludedFindings = excluded.map { entry in
            PatientFinding(patientID: members[entry.index].membership.patientID, reasons: entry.reasons.codes,
                           issues: members[entry.index].issues)
        }
        warned.sort { bytesPrecede(members[$0].membership.patientID, members[$1].membership.patientID) }
        let warningFindings = warned.map { i in
            PatientFinding(patientID: members[i].membership.patientID, reasons: [.phnCheckDigit],
                           issues: members[i].issues)
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
