import CPARCore
import Foundation
import CPARPayload

/// Builders for extracts used across the tests.
enum Fixtures {
    static let submissionID = "3f2c8a9e-5b1d-4c6e-9a7f-0d1e2f3a4b5c"
    static let header = PayloadHeader(submissionID: submissionID, period: Period(year: 2024, month: 5)!,
                                      created: 1_715_115_600) // 2024-05-07T21:00:00Z

    static func date(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    static func patient(_ phn: String, family: String = "Smith", given: String = "Anne",
                        dob: String = "1980-02-29", gender: Gender = .female) -> ExtractPatient {
        ExtractPatient(phn: phn, familyName: family, givenName: given, dob: date(dob), gender: gender,
                       lastVisit: date("2024-04-30"), confirmationDate: date("2024-01-15"))
    }

    static func extract(patients: [ExtractPatient]? = nil, siteName: String = "Bow Valley Clinic",
                        panelName: String = "Dr. Chen's panel",
                        practitioners: [ExtractPractitioner]? = nil) -> PanelExtract {
        let panel = Panel(id: 7, name: panelName, number: "4711", cparEnabled: true,
                          facilityIDs: ["123", "9876543"], practitionerIDs: ["P1", "P2"])
        return PanelExtract(
            panel: panel, site: Site(name: siteName, siteID: "AB-0042"), asOf: date("2024-05-07"), problems: [],
            patients: patients ?? [
                patient("123456782", family: "Àlvarez", given: "José", gender: .male),
                patient("223456781", family: "Nguyễn", given: "", dob: "2001-12-31", gender: .other),
                patient("987654321", family: "Zhang", given: "伟", dob: "1955-07-04"),
            ],
            facilityIDs: ["000123", "9876543"],
            practitioners: practitioners ?? [
                ExtractPractitioner(practitionerID: "12345", familyName: "Chen", givenName: "Mei"),
                ExtractPractitioner(practitionerID: "67890", familyName: "O'Neil", givenName: "Róisín"),
            ],
            excluded: [], warnings: [])
    }
}
