import Testing
@testable import CPARCore

@Suite struct NoticeTextTests {
    let site = Site(name: "Riverbend Clinic", siteID: "S100")

    func submission(error: String?) -> Submission {
        Submission(id: "0B7E3D52-1C9A-4F3B-9B1E-3D2C1A0F9E88", panelID: 1, panelLabel: "4001", period: Period("2026-03")!,
                   trigger: .scheduled, status: .failed, created: 0, attempts: 3, error: error, trackingID: "TRK-77")
    }

    @Test func namesPanelSitePeriodErrorAndID() {
        let panel = Panel(id: 1, name: "Dr Osler's panel", number: "4001", facilityIDs: ["1"], practitionerIDs: ["P1"])
        let (subject, body) = NoticeText.failure(panel: panel, site: site, submission: submission(error: "HTTP 403: forbidden"))
        #expect(subject == "CPAR submission failed: panel 4001 (2026-03)")
        for needle in ["4001", "Dr Osler's panel", "Riverbend Clinic", "S100", "2026-03", "HTTP 403: forbidden",
                       "0B7E3D52-1C9A-4F3B-9B1E-3D2C1A0F9E88", "TRK-77", "cparctl submit --panel 4001",
                       "USR1", ".request", "journalctl -u cpard", "cparctl history --panel 4001"] {
            #expect(body.contains(needle), "\(needle)")
        }
        #expect(body.hasSuffix("\n"))
    }

    @Test func panelProblemsPointToValidate() {
        let panel = Panel(id: 1, name: "Walk-in", number: nil, cparEnabled: false)
        let (subject, body) = NoticeText.failure(panel: panel, site: nil,
                                                 submission: submission(error: "panel problems: SITE_NOT_CONFIGURED, NO_FACILITY"))
        #expect(subject == "CPAR submission failed: panel Walk-in (2026-03)")
        #expect(body.contains("cparctl validate --panel Walk-in"))
        #expect(body.contains("SITE_NOT_CONFIGURED, NO_FACILITY"))
        #expect(body.contains("Site:          not configured"))
    }

    @Test func labelsWithSpacesAreQuotedAndHeadersStayOnOneLine() {
        let panel = Panel(id: 1, name: "Dr O'Neil\nTeam", number: nil)
        let (subject, body) = NoticeText.failure(panel: panel, site: site, submission: submission(error: "x"))
        #expect(!subject.contains("\n"))
        #expect(subject == "CPAR submission failed: panel Dr O'Neil Team (2026-03)")
        #expect(body.contains("cparctl submit --panel 'Dr O'\\''Neil Team'"))
    }

    @Test func noPatientData() {
        let panel = Panel(id: 1, name: "P", number: "1")
        let (subject, body) = NoticeText.failure(panel: panel, site: site,
                                                 submission: submission(error: "registry rejected: E9 PHN 123425678 born 1980-05-01"))
        #expect(!body.contains("123425678") && !subject.contains("123425678"))
        #expect(!body.contains("1980-05-01"))
        #expect(body.contains("[redacted]"))
        let missing = NoticeText.failure(panel: panel, site: site, submission: submission(error: nil)).body
        #expect(missing.contains("no error recorded"))
    }
}
