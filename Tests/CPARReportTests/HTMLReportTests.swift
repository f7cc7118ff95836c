import CPARCore
import Testing
@testable import CPARReport

@Suite("HTML report rendering")
struct HTMLReportTests {
    func model() -> ReportModel {
        var m = ReportModel(siteName: "Clinic <b>&</b>", siteID: "480123", generated: "2026-11-15 21:03",
                            timeZoneName: "America/Edmonton", asOf: CivilDate(iso: "2026-11-15")!)
        var p = ReportModel.Panel(label: "1001", name: "<script>alert(1)</script>", cparEnabled: true)
        p.status = "Failed"
        p.error = "HTTP 400 \"bad\" <x>"
        p.members = 3; p.valid = 1; p.excluded = 2
        p.reasons = [(code: .noLastVisit, count: 2), (code: .duplicatePHN, count: 1)]
        p.toFix = [ReportModel.PatientToFix(patientID: "P'1", reasons: [.noLastVisit, .duplicatePHN], duplicateOf: ["P7"])]
        m.panels = [p]
        return m
    }

    @Test func everyValueIsEscapedAndNothingIsExternal() {
        let html = HTMLReport.render(model())
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("Clinic &lt;b&gt;&amp;&lt;/b&gt;"))
        #expect(html.contains("HTTP 400 &quot;bad&quot; &lt;x&gt;"))
        #expect(html.contains("P&#39;1"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("@import") && !html.contains("url("))
    }

    @Test func chartHasABarPerReasonAndTheWorklistSaysWhatToFix() {
        let html = HTMLReport.render(model())
        #expect(html.components(separatedBy: "<rect class=\"bar\"").count - 1 == 2)
        #expect(html.contains("data-reason=\"NO_LAST_VISIT\" data-count=\"2\""))
        #expect(html.contains("same PHN as P7"))
        #expect(html.contains(ReasonText.fix(.noLastVisit)))
    }

    @Test func sectionHooksForOpenItemsAndHygieneRenderOnlyWithData() {
        var m = model()
        #expect(!HTMLReport.render(m).contains("id=\"open-items\""))
        #expect(!HTMLReport.render(m).contains("id=\"hygiene\""))
        m.openItems = [ReportModel.OpenItem(id: "4", kind: "conflict", patientID: "P1", panel: "1001", codes: ["CONFLICT"], ageDays: 3)]
        m.hygiene = [ReportModel.HygieneRow(panel: "1001", figures: [(label: "Members", value: "3")])]
        let html = HTMLReport.render(m)
        #expect(html.contains("id=\"open-items\"") && html.contains("CONFLICT"))
        #expect(html.contains("id=\"hygiene\"") && html.contains("Members"))
    }

    /// A panel without a number is labelled by its name: a long one is cut with `…` in every table (whole in the
    /// tooltip), so it never stretches a table off the page.
    @Test func aLongPanelLabelIsCutInEveryTable() {
        var m = model()
        let long = "Clinic" + String(repeating: "x", count: 294)
        m.panels[0] = ReportModel.Panel(label: long, name: long, cparEnabled: true)
        m.history = [ReportModel.HistoryRow(panel: long, name: long, period: "2026-11", trigger: "manual", requestedBy: nil,
                                            created: "2026-11-15 21:03", delivered: nil, patients: nil, attempts: 0,
                                            status: "Failed", error: nil)]
        let html = HTMLReport.render(m)
        let shown = String(long.prefix(HTMLReport.labelLimit - 1)) + "…"
        #expect(html.contains("<td class=\"id\" title=\"\(long)\">\(shown)</td>"), "the status and history cells")
        #expect(!html.contains(">\(long)<"), "never shown whole")
    }
}
