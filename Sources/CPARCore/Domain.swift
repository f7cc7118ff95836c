/// The clinic site (set once; required before any submission).
public struct Site: Equatable, Sendable {
    public var name: String
    public var siteID: String
    public init(name: String, siteID: String) { self.name = name; self.siteID = siteID }
}

/// A provider row from `providers.csv`.
public struct Provider: Equatable, Sendable {
    public var providerID: String
    public var familyName: String
    public var givenName: String
    /// The CPAR practitioner ID; empty when the EMR has none.
    public var practitionerID: String
    public init(providerID: String, familyName: String, givenName: String, practitionerID: String) {
        self.providerID = providerID; self.familyName = familyName
        self.givenName = givenName; self.practitionerID = practitionerID
    }
}

/// A CPAR panel as kept in the state store.
public struct Panel: Equatable, Sendable {
    public var id: Int64
    public var name: String
    /// CPAR panel number (digits, ≤ 10); nil when the panel has none.
    public var number: String?
    public var cparEnabled: Bool
    /// Facility IDs as entered; see `FacilityID.normalized`.
    public var facilityIDs: [String]
    /// EMR `provider_id`s of the panel's practitioners.
    public var practitionerIDs: [String]
    /// Failure-notice recipient, or nil for none.
    public var notify: String?

    public init(id: Int64 = 0, name: String, number: String? = nil, cparEnabled: Bool = true,
                facilityIDs: [String] = [], practitionerIDs: [String] = [], notify: String? = nil) {
        self.id = id; self.name = name; self.number = number; self.cparEnabled = cparEnabled
        self.facilityIDs = facilityIDs; self.practitionerIDs = practitionerIDs; self.notify = notify
    }

    /// How the panel is named on the command line and in reports: its number, or its name when it has none.
    public var label: String { number ?? name }
}

/// A patient's place on a panel.
public struct Membership: Equatable, Sendable {
    public var patientID: String
    public var panelID: Int64
    public var confirmationDate: CivilDate?
    public init(patientID: String, panelID: Int64, confirmationDate: CivilDate?) {
        self.patientID = patientID; self.panelID = panelID; self.confirmationDate = confirmationDate
    }
}

public enum Gender: String, Sendable, Equatable {
    case male = "M", female = "F", other = "X"
}

/// A patient row from `patients.csv`, as far as it could be read.
public struct PatientRecord: Equatable, Sendable {
    public var patientID: String
    /// PHN exactly as exported (may hold spaces or dashes, or be empty).
    public var phn: String
    public var familyName: String
    public var givenName: String
    /// nil when empty or unreadable.
    public var dob: CivilDate?
    /// nil when empty, `U`, or unreadable.
    public var gender: Gender?
    public var isActive: Bool
    public var mrpProviderID: String
    /// 1-based line in patients.csv where the record starts.
    public var line: Int
    /// The row could not be read as a whole (wrong field count): the record is invalid.
    public var unreadable: Bool

    public init(patientID: String, phn: String, familyName: String, givenName: String, dob: CivilDate?,
                gender: Gender?, isActive: Bool, mrpProviderID: String, line: Int = 0, unreadable: Bool = false) {
        self.patientID = patientID; self.phn = phn; self.familyName = familyName; self.givenName = givenName
        self.dob = dob; self.gender = gender; self.isActive = isActive; self.mrpProviderID = mrpProviderID
        self.line = line; self.unreadable = unreadable
    }
}

/// A problem found while reading an input file. Never carries a field's value.
public struct InputIssue: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var field: String?
    public var message: String
    /// The record's own ID (patient_id, appointment_id, …) when it could be read.
    public var recordID: String?

    public init(file: String, line: Int, field: String? = nil, message: String, recordID: String? = nil) {
        self.file = file; self.line = line; self.field = field; self.message = message; self.recordID = recordID
    }

    public var description: String {
        "\(file):\(line): " + (field.map { "field '\($0)': " } ?? "") + message
    }
}
