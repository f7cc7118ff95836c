/// Why a patient is excluded from (or warned about in) a panel extract. SPEC §5.
public enum ReasonCode: String, Sendable, CaseIterable, Comparable {
    case notActive = "NOT_ACTIVE"
    case missingPHN = "MISSING_PHN"
    case invalidPHN = "INVALID_PHN"
    case phnCheckDigit = "PHN_CHECK_DIGIT"
    case missingDOB = "MISSING_DOB"
    case missingFamilyName = "MISSING_FAMILY_NAME"
    case missingGender = "MISSING_GENDER"
    case noLastVisit = "NO_LAST_VISIT"
    case lastVisitBeforeDOB = "LAST_VISIT_BEFORE_DOB"
    case noConfirmationDate = "NO_CONFIRMATION_DATE"
    case unknownPatient = "UNKNOWN_PATIENT"
    case duplicatePHN = "DUPLICATE_PHN"
    /// The patient's row in patients.csv could not be read (wrong field count). Not in SPEC §5; see README.
    case unreadableRecord = "UNREADABLE_RECORD"

    public static func < (a: ReasonCode, b: ReasonCode) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Problems that fail a whole panel submission. SPEC §5.
public enum PanelProblem: String, Sendable, CaseIterable, Comparable {
    case siteNotConfigured = "SITE_NOT_CONFIGURED"
    case panelNameTooLong = "PANEL_NAME_TOO_LONG"
    case invalidPanelNumber = "INVALID_PANEL_NUMBER"
    case noFacility = "NO_FACILITY"
    case invalidFacilityID = "INVALID_FACILITY_ID"
    case noPractitioner = "NO_PRACTITIONER"
    case practitionerWithoutID = "PRACTITIONER_WITHOUT_ID"
    case noValidPatients = "NO_VALID_PATIENTS"
    /// `validation.invalid_patients = fail` and at least one patient is invalid. Not in SPEC §5; see README.
    case invalidPatients = "INVALID_PATIENTS"

    public static func < (a: PanelProblem, b: PanelProblem) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
