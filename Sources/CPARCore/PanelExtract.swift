/// Validation policies (`validation.*`).
public struct ValidationPolicy: Equatable, Sendable {
    public enum InvalidPatients: String, Sendable { case exclude, fail }
    public enum CheckDigit: String, Sendable { case warn, reject }
    public var invalidPatients: InvalidPatients
    public var phnCheckDigit: CheckDigit
    public init(invalidPatients: InvalidPatients = .exclude, phnCheckDigit: CheckDigit = .warn) {
        self.invalidPatients = invalidPatients; self.phnCheckDigit = phnCheckDigit
    }
}

/// A patient that passed validation, as it goes into the payload.
public struct ExtractPatient: Equatable, Sendable {
    /// Normalised PHN: exactly 9 digits.
    public var phn: String
    public var familyName: String
    public var givenName: String
    public var dob: CivilDate
    public var gender: Gender
    public var lastVisit: CivilDate
    public var confirmationDate: CivilDate
    public init(phn: String, familyName: String, givenName: String, dob: CivilDate, gender: Gender,
                lastVisit: CivilDate, confirmationDate: CivilDate) {
        self.phn = phn; self.familyName = familyName; self.givenName = givenName; self.dob = dob
        self.gender = gender; self.lastVisit = lastVisit; self.confirmationDate = confirmationDate
    }
}

/// A practitioner as it goes into the payload.
public struct ExtractPractitioner: Equatable, Sendable {
    public var practitionerID: String
    public var familyName: String
    public var givenName: String
    public init(practitionerID: String, familyName: String, givenName: String) {
        self.practitionerID = practitionerID; self.familyName = familyName; self.givenName = givenName
    }
}

/// A patient named in the report, by `patient_id` only.
public struct PatientFinding: Equatable, Sendable {
    public var patientID: String
    public var reasons: [ReasonCode]
    /// Input problems (file, line, field) behind the reasons, if any.
    public var issues: [InputIssue]
    public init(patientID: String, reasons: [ReasonCode], issues: [InputIssue] = []) {
        self.patientID = patientID; self.reasons = reasons; self.issues = issues
    }
}

/// The validated extract of one panel at one date: what would be sent, and why the rest is not.
public struct PanelExtract: Equatable, Sendable {
    public var panel: Panel
    public var site: Site?
    public var asOf: CivilDate
    public var problems: [PanelProblem]
    /// Valid patients, ordered by PHN.
    public var patients: [ExtractPatient]
    /// Normalised facility IDs (zero-padded to 6).
    public var facilityIDs: [String]
    public var practitioners: [ExtractPractitioner]
    public var excluded: [PatientFinding]
    public var warnings: [PatientFinding]

    public init(panel: Panel, site: Site?, asOf: CivilDate, problems: [PanelProblem], patients: [ExtractPatient],
                facilityIDs: [String], practitioners: [ExtractPractitioner],
                excluded: [PatientFinding], warnings: [PatientFinding]) {
        self.panel = panel; self.site = site; self.asOf = asOf; self.problems = problems
        self.patients = patients; self.facilityIDs = facilityIDs; self.practitioners = practitioners
        self.excluded = excluded; self.warnings = warnings
    }

    /// True when nothing stops the panel from being sent.
    public var isSubmittable: Bool { problems.isEmpty }
}
