/// Reason codes and panel problems in a panel administrator's words: what each means and what to fix in the EMR.
/// The one place these texts live; `validate`, `patient show` and the HTML report all read them. SPEC §13.
public enum ReasonText {
    /// A few words for lists of a patient's reasons (e.g. "no completed visit").
    public static func words(_ code: ReasonCode) -> String {
        switch code {
        case .notActive: "not active in the EMR"
        case .missingPHN: "no PHN"
        case .invalidPHN: "PHN is not 9 digits"
        case .phnCheckDigit: "PHN check digit does not match"
        case .missingDOB: "no birth date"
        case .missingFamilyName: "no family name"
        case .missingGender: "no gender"
        case .noLastVisit: "no completed visit"
        case .lastVisitBeforeDOB: "last visit before birth date"
        case .noConfirmationDate: "no confirmation date"
        case .unknownPatient: "not in the EMR export"
        case .duplicatePHN: "PHN shared with another patient"
        case .unreadableRecord: "EMR row could not be read"
        }
    }

    /// What the code means, in a sentence fragment (the extract date fills in `NO_LAST_VISIT`).
    public static func meaning(_ code: ReasonCode, asOf: CivilDate) -> String {
        switch code {
        case .notActive: "the status in the EMR is not active"
        case .missingPHN: "the EMR has no personal health number"
        case .invalidPHN: "the PHN is not exactly 9 digits"
        case .phnCheckDigit: "the PHN's Alberta check digit does not match"
        case .missingDOB: "the EMR has no readable date of birth"
        case .missingFamilyName: "the EMR has no family name"
        case .missingGender: "the EMR has no gender (empty or U)"
        case .noLastVisit: "no completed visit on or before \(asOf)"
        case .lastVisitBeforeDOB: "the last visit is before the date of birth"
        case .noConfirmationDate: "the membership has no confirmation date"
        case .unknownPatient: "the patient ID is not in patients.csv"
        case .duplicatePHN: "another paneled patient has the same PHN"
        case .unreadableRecord: "the row in patients.csv could not be read"
        }
    }

    /// What to do in the EMR (or with `cparctl`) to clear the code.
    public static func fix(_ code: ReasonCode) -> String {
        switch code {
        case .notActive: "reactivate, or take the patient off the panel"
        case .missingPHN: "enter the PHN from the health card"
        case .invalidPHN: "correct the PHN from the health card"
        case .phnCheckDigit: "check the PHN against the health card"
        case .missingDOB: "enter the date of birth"
        case .missingFamilyName: "enter the family name"
        case .missingGender: "record the gender (M, F or X)"
        case .noLastVisit: "book or record a visit"
        case .lastVisitBeforeDOB: "correct the birth date or the visit date"
        case .noConfirmationDate: "confirm the patient (cparctl patient confirm ID)"
        case .unknownPatient: "correct it, or cparctl patient remove ID"
        case .duplicatePHN: "merge the duplicate charts or correct the PHN"
        case .unreadableRecord: "fix the record in the EMR and export again"
        }
    }

    /// A panel problem in words, with what to do.
    public static func words(_ problem: PanelProblem) -> String {
        switch problem {
        case .siteNotConfigured: "the site is not set up — cparctl site set --name NAME --site-id ID"
        case .panelNameTooLong: "the panel name is longer than 255 characters — shorten it (panel edit --name)"
        case .invalidPanelNumber: "the CPAR panel number is missing or not 1–10 digits — panel edit --number"
        case .noFacility: "the panel has no facility — panel edit --facility ID"
        case .invalidFacilityID: "a facility ID is not 1–20 digits — panel edit --facility ID"
        case .noPractitioner: "the panel has no practitioner — panel edit --practitioner PROVIDER_ID"
        case .practitionerWithoutID: "a practitioner has no practitioner ID in providers.csv — add it in the EMR"
        case .noValidPatients: "no patient on the panel is valid — nothing to send"
        case .invalidPatients: "validation.invalid_patients = fail and some patients are excluded"
        }
    }
}
