/// Builds a panel's extract: which patients go, which are excluded and why, and what stops the panel. SPEC §5.
///
/// Pure and allocation-lean: per patient it computes a bit set of reason codes; arrays are built only for the
/// result. Safe to call for many panels in parallel.
public enum PanelValidator {
    public static let maxPanelNameLength = 255

    public static func validate(panel: Panel, site: Site?, members: [PanelMember],
                                providers: [String: Provider], duplicatePHNs: Set<String>, asOf: CivilDate,
                                policy: ValidationPolicy) -> PanelExtract {
        var valid: [(phn: UInt32, index: Int)] = []
        valid.reserveCapacity(members.count)
        var excluded: [(index: Int, reasons: ReasonSet)] = []
        var warned: [Int] = []
        let rejectCheckDigit = policy.phnCheckDigit == .reject
        let checkDuplicates = !duplicatePHNs.isEmpty

        members.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            for i in 0..<all.count {
                let m = base + i
                var reasons = ReasonSet()
                var checkDigitWarning = false
                var phnValue: UInt32 = 0
                if m.pointee.membership.confirmationDate == nil { reasons.insert(.noConfirmationDate) }
                // Fields are read in place (no copy of the record): this loop runs a million times a month.
                if m.pointee.patient != nil {
                    if !m.pointee.patient.unsafelyUnwrapped.isActive { reasons.insert(.notActive) }
                    let scan = PHN.scan(m.pointee.patient.unsafelyUnwrapped.phn)
                    switch scan.kind {
                    case .missing: reasons.insert(.missingPHN)
                    case .invalid: reasons.insert(.invalidPHN)
                    case .valid:
                        phnValue = scan.value
                        if !PHN.checkDigitIsValid(value: scan.value) {
                            if rejectCheckDigit { reasons.insert(.phnCheckDigit) } else { checkDigitWarning = true }
                        }
                        if checkDuplicates
                            && duplicatePHNs.contains(scan.hasSeparators ? PHN.digits(scan.value)
                                                                         : m.pointee.patient.unsafelyUnwrapped.phn) {
                            reasons.insert(.duplicatePHN)
                        }
                    }
                    let dob = m.pointee.patient.unsafelyUnwrapped.dob
                    if dob == nil { reasons.insert(.missingDOB) }
                    if isBlank(m.pointee.patient.unsafelyUnwrapped.familyName) { reasons.insert(.missingFamilyName) }
                    if m.pointee.patient.unsafelyUnwrapped.gender == nil { reasons.insert(.missingGender) }
                    if let lastVisit = m.pointee.lastVisit {
                        if let dob, lastVisit < dob { reasons.insert(.lastVisitBeforeDOB) }
                    } else {
                        reasons.insert(.noLastVisit)
                    }
                    if m.pointee.patient.unsafelyUnwrapped.unreadable { reasons.insert(.unreadableRecord) }
                } else {
                    reasons.insert(.unknownPatient)
                }
                if checkDigitWarning { warned.append(i) }
                if reasons.isEmpty { valid.append((phnValue, i)) } else { excluded.append((i, reasons)) }
            }
        }

        // Valid patients by PHN (9 digits: numeric order is byte order), then patient_id.
        valid.sort { a, b in
            a.phn != b.phn ? a.phn < b.phn
                : bytesPrecede(members[a.index].membership.patientID, members[b.index].membership.patientID)
        }
        var patients: [ExtractPatient] = []
        patients.reserveCapacity(valid.count)
        members.withUnsafeBufferPointer { all in
            for entry in valid {
                let m = all.baseAddress! + entry.index
                let phn = m.pointee.patient.unsafelyUnwrapped.phn
                patients.append(ExtractPatient(
                    phn: phn.utf8.count == 9 ? phn : PHN.digits(entry.phn),
                    familyName: m.pointee.patient.unsafelyUnwrapped.familyName,
                    givenName: m.pointee.patient.unsafelyUnwrapped.givenName,
                    dob: m.pointee.patient.unsafelyUnwrapped.dob.unsafelyUnwrapped,
                    gender: m.pointee.patient.unsafelyUnwrapped.gender.unsafelyUnwrapped,
                    lastVisit: m.pointee.lastVisit.unsafelyUnwrapped,
                    confirmationDate: m.pointee.membership.confirmationDate.unsafelyUnwrapped))
            }
        }

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
