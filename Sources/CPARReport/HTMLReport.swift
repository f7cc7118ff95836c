import CPARCore

/// Renders the panel report (SPEC §13) as one self-contained HTML file: inline CSS, inline SVG charts, no script,
/// no external resource, print-friendly. Every value is escaped; patients appear by patient ID only.
public enum HTMLReport {
    public static func render(_ m: ReportModel) -> String {
        var h = HTML()
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        h.raw("<meta name=\"generator\" content=\"cpard\">\n<title>")
        h.data("CPAR panel report — " + (m.siteName ?? "site not set up"))
        h.raw("</title>\n<style>\n\(style)</style>\n</head>\n<body>\n")
        header(&h, m)
        summary(&h, m)
        statusTable(&h, m)
        validationTable(&h, m)
        charts(&h, m)
        toFix(&h, m)
        openItems(&h, m)
        hygiene(&h, m)
        history(&h, m)
        h.raw("<footer><p>Patients are named by their EMR patient ID only: this report holds no PHN, name or birth date. ")
        h.raw("Made by cpard \(HTML.escape(CPARVersion.string)). Run <code>cparctl validate</code> for the same figures at a terminal.</p></footer>\n")
        h.raw("</body>\n</html>\n")
        return h.text
    }

    // MARK: sections

    static func header(_ h: inout HTML, _ m: ReportModel) {
        h.raw("<header>\n<p class=\"eyebrow\">CPAR panel report</p>\n<h1>")
        h.data(m.siteName ?? "Site not set up")
        h.raw("</h1>\n<p class=\"meta\">")
        if let id = m.siteID { h.data("Site ID \(id) · ") }
        h.data("Extract date \(m.asOf) · made \(m.generated) (\(m.timeZoneName))")
        h.raw("</p>\n</header>\n")
        if m.siteName == nil {
            h.raw("<p class=\"alert\">The site is not set up: nothing can be submitted until it is (<code>cparctl site set</code>).</p>\n")
        }
        if let e = m.exportError {
            h.raw("<p class=\"alert\">The EMR export could not be read, so no patient was checked: ")
            h.data(e)
            h.raw("</p>\n")
        }
    }

    static func summary(_ h: inout HTML, _ m: ReportModel) {
        let cpar = m.panels.filter(\.cparEnabled)
        // A figure that needs attention (a failed panel) is marked; the others stay calm.
        let attention: Set<String> = cpar.contains { $0.status == "Failed" } ? ["failed"] : []
        let figures: [(String, String, String)] = [
            ("panels", "CPAR panels", String(cpar.count)),
            ("valid", "Valid patients", String(cpar.map(\.valid).reduce(0, +))),
            ("excluded", "Excluded patients", String(cpar.map(\.excluded).reduce(0, +))),
            ("failed", "Panels failed", String(cpar.filter { $0.status == "Failed" }.count)),
            ("input-problems", "Problems in the EMR export", String(m.inputProblemCount)),
        ]
        h.raw("<section id=\"summary\" class=\"cards\" aria-label=\"Summary\">\n")
        for (id, label, value) in figures {
            h.raw("<div class=\"card\(attention.contains(id) ? " attention" : "")\" data-figure=\"\(id)\"><span class=\"value\">")
            h.data(value)
            h.raw("</span><span class=\"label\">")
            h.data(label)
            h.raw("</span></div>\n")
        }
        h.raw("</section>\n")
    }

    static func statusTable(_ h: inout HTML, _ m: ReportModel) {
        h.raw("<section id=\"status\">\n<h2>Submissions</h2>\n")
        h.raw("<p class=\"hint\">Each panel's latest submission, as <code>cparctl status</code> shows it. Times are local (")
        h.data(m.timeZoneName)
        h.raw(").</p>\n")
        if m.panels.isEmpty { h.raw("<p>No panels yet.</p>\n</section>\n"); return }
        h.raw("<table>\n<thead><tr><th>Panel</th><th>Name</th><th>Status</th><th>Created</th><th class=\"num\">Patients</th>")
        h.raw("<th>Next attempt</th><th>Error</th></tr></thead>\n<tbody>\n")
        for p in m.panels {
            h.raw("<tr data-panel=\"\(HTML.escape(p.label))\">")
            cell(&h, p.label, cls: "id", limit: labelLimit)
            cell(&h, p.name, cls: "name", limit: 60)
            h.raw("<td>")
            badge(&h, p.status)
            h.raw("</td>")
            cell(&h, p.created ?? "—", cls: "date")
            cell(&h, p.patientsSent.map(String.init) ?? "—", cls: "num")
            cell(&h, p.nextAttempt ?? "—", cls: "date")
            cell(&h, p.error ?? "", cls: "error", limit: 160)
            h.raw("</tr>\n")
        }
        h.raw("</tbody>\n</table>\n</section>\n")
    }

    static func validationTable(_ h: inout HTML, _ m: ReportModel) {
        let cpar = m.panels.filter(\.cparEnabled)
        h.raw("<section id=\"validation\">\n<h2>Panels at the extract date</h2>\n")
        h.raw("<p class=\"hint\">Valid patients are sent; excluded ones are not, until fixed. The confirmation rate is the ")
        h.raw("share of patients confirmed within the last three years.</p>\n")
        if cpar.isEmpty { h.raw("<p>No CPAR-enabled panels.</p>\n</section>\n"); return }
        h.raw("<table>\n<thead><tr><th>Panel</th><th>Name</th><th class=\"num\">Patients</th><th class=\"num\">Valid</th>")
        h.raw("<th class=\"num\">Excluded</th><th class=\"num\">Confirmation rate</th><th>Stops the submission</th></tr></thead>\n<tbody>\n")
        for p in cpar {
            h.raw("<tr data-panel=\"\(HTML.escape(p.label))\">")
            cell(&h, p.label, cls: "id", limit: labelLimit)
            cell(&h, p.name, cls: "name", limit: 60)
            cell(&h, String(p.members), cls: "num", data: "members")
            cell(&h, String(p.valid), cls: "num", data: "valid")
            cell(&h, String(p.excluded), cls: "num", data: "excluded")
            cell(&h, p.confirmationRate.map(percent) ?? "—", cls: "num", data: "confirmation-rate")
            h.raw("<td class=\"problems\">")
            if p.problems.isEmpty {
                h.raw("<span class=\"ok\">nothing</span>")
            } else {
                h.raw("<ul>")
                for problem in p.problems { h.raw("<li>"); h.data(ReasonText.words(problem)); h.raw("</li>") }
                h.raw("</ul>")
            }
            h.raw("</td></tr>\n")
        }
        h.raw("</tbody>\n</table>\n</section>\n")
    }

    /// One horizontal bar chart per panel: a bar per exclusion reason, its length the patient count.
    static func charts(_ h: inout HTML, _ m: ReportModel) {
        let cpar = m.panels.filter(\.cparEnabled)
        guard !cpar.isEmpty else { return }
        h.raw("<section id=\"reasons\">\n<h2>Why patients are excluded</h2>\n")
        h.raw("<p class=\"hint\">Excluded patients per reason, each reason counted once per patient.</p>\n<div class=\"charts\">\n")
        let maxCount = max(1, cpar.flatMap { $0.reasons.map(\.count) }.max() ?? 1)
        for p in cpar {
            h.raw("<figure class=\"chart\" data-panel=\"\(HTML.escape(p.label))\">\n<figcaption>")
            h.data("\(cut(p.label, labelLimit)) · \(cut(p.name, 80))")
            h.raw("</figcaption>\n")
            if p.reasons.isEmpty {
                h.raw("<p class=\"ok\">No patient excluded.</p>\n</figure>\n")
                continue
            }
            let labelWidth = 230, barWidth = 230, rowHeight = 24, countWidth = 50
            let width = labelWidth + barWidth + countWidth
            let height = p.reasons.count * rowHeight + 4
            let aria = p.reasons.map { "\(ReasonText.words($0.code)): \($0.count)" }.joined(separator: "; ")
            h.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(width)\" height=\"\(height)\" ")
            h.raw("viewBox=\"0 0 \(width) \(height)\" aria-label=\"\(HTML.escape("Exclusion reasons, panel \(p.label): \(aria)"))\">\n")
            for (i, r) in p.reasons.enumerated() {
                let y = i * rowHeight + 2
                let length = max(2, Int((Double(r.count) / Double(maxCount) * Double(barWidth)).rounded()))
                h.raw("<g class=\"reason\">")
                h.raw("<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\" class=\"axis\">")
                h.data(ReasonText.words(r.code))
                h.raw("</text>")
                h.raw("<rect class=\"bar\" data-reason=\"\(r.code.rawValue)\" data-count=\"\(r.count)\" x=\"\(labelWidth)\" ")
                h.raw("y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 8)\" rx=\"2\"><title>")
                h.data("\(r.code.rawValue): \(r.count) patients — \(ReasonText.meaning(r.code, asOf: m.asOf))")
                h.raw("</title></rect>")
                h.raw("<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 16)\" class=\"count\">\(r.count)</text></g>\n")
            }
            h.raw("</svg>\n</figure>\n")
        }
        h.raw("</div>\n</section>\n")
    }

    static func toFix(_ h: inout HTML, _ m: ReportModel) {
        let cpar = m.panels.filter { $0.cparEnabled && $0.excluded > 0 }
        h.raw("<section id=\"worklist\">\n<h2>Patients to fix</h2>\n")
        if cpar.isEmpty { h.raw("<p class=\"ok\">Every patient on every CPAR panel is valid.</p>\n</section>\n"); return }
        h.raw("<p class=\"hint\">Fix these in the EMR (or with <code>cparctl</code>) and they are sent with the next submission.</p>\n")
        for p in cpar {
            h.raw("<h3 data-panel=\"\(HTML.escape(p.label))\">")
            h.data("\(cut(p.label, labelLimit)) · \(cut(p.name, 80)) — \(p.excluded) excluded")
            h.raw("</h3>\n<table class=\"fix\">\n<thead><tr><th>Patient ID</th><th>Why excluded</th><th>What to fix</th></tr></thead>\n<tbody>\n")
            for f in p.toFix.prefix(m.worklistLimit) {
                h.raw("<tr>")
                cell(&h, f.patientID, cls: "id")
                h.raw("<td>")
                h.data(f.reasons.map { code in
                    code == .duplicatePHN && !f.duplicateOf.isEmpty
                        ? "same PHN as " + f.duplicateOf.joined(separator: ", ") : ReasonText.words(code)
                }.joined(separator: "; "))
                h.raw("</td><td>")
                h.data(f.reasons.map(ReasonText.fix).joined(separator: "; "))
                h.raw("</td></tr>\n")
            }
            h.raw("</tbody>\n</table>\n")
            if p.toFix.count > m.worklistLimit {
                h.raw("<p class=\"hint\">")
                h.data("… and \(p.toFix.count - m.worklistLimit) more: cparctl validate --panel \(p.label)")
                h.raw("</p>\n")
            }
        }
        h.raw("</section>\n")
    }

    /// §14 hook: open worklist items (conflicts, demographic mismatches), when there are any.
    static func openItems(_ h: inout HTML, _ m: ReportModel) {
        guard !m.openItems.isEmpty else { return }
        h.raw("<section id=\"open-items\">\n<h2>Open items from CPAR's reports</h2>\n")
        h.raw("<table>\n<thead><tr><th>Item</th><th>Kind</th><th>Patient ID</th><th>Panel</th><th>Codes</th><th class=\"num\">Age (days)</th></tr></thead>\n<tbody>\n")
        for item in m.openItems {
            h.raw("<tr>")
            cell(&h, item.id, cls: "id")
            cell(&h, item.kind)
            cell(&h, item.patientID, cls: "id")
            cell(&h, item.panel, limit: labelLimit)
            cell(&h, item.codes.joined(separator: ", "))
            cell(&h, String(item.ageDays), cls: "num")
            h.raw("</tr>\n")
        }
        h.raw("</tbody>\n</table>\n</section>\n")
    }

    /// §14 hook: hygiene figures per panel, when there are any.
    static func hygiene(_ h: inout HTML, _ m: ReportModel) {
        guard let first = m.hygiene.first else { return }
        h.raw("<section id=\"hygiene\">\n<h2>Panel hygiene</h2>\n<table>\n<thead><tr><th>Panel</th>")
        for f in first.figures { h.raw("<th class=\"num\">"); h.data(f.label); h.raw("</th>") }
        h.raw("</tr></thead>\n<tbody>\n")
        for row in m.hygiene {
            h.raw("<tr>")
            cell(&h, row.panel, cls: "id", limit: labelLimit)
            for f in row.figures { cell(&h, f.value, cls: "num") }
            h.raw("</tr>\n")
        }
        h.raw("</tbody>\n</table>\n</section>\n")
    }

    static func history(_ h: inout HTML, _ m: ReportModel) {
        h.raw("<section id=\"history\">\n<h2>Submission history</h2>\n")
        if m.history.isEmpty { h.raw("<p>Nothing submitted yet.</p>\n</section>\n"); return }
        h.raw("<table>\n<thead><tr><th>Panel</th><th>Period</th><th>Trigger</th><th>Requested by</th><th>Created</th>")
        h.raw("<th>Delivered</th><th class=\"num\">Patients</th><th class=\"num\">Attempts</th><th>Status</th><th>Error</th></tr></thead>\n<tbody>\n")
        for r in m.history.prefix(200) {
            h.raw("<tr>")
            cell(&h, r.panel, cls: "id", limit: labelLimit)
            cell(&h, r.period, cls: "date")
            cell(&h, r.trigger)
            cell(&h, r.requestedBy ?? "—", limit: 40)
            cell(&h, r.created, cls: "date")
            cell(&h, r.delivered ?? "—", cls: "date")
            cell(&h, r.patients.map(String.init) ?? "—", cls: "num")
            cell(&h, String(r.attempts), cls: "num")
            h.raw("<td>")
            badge(&h, r.status)
            h.raw("</td>")
            cell(&h, r.error ?? "", cls: "error", limit: 160)
            h.raw("</tr>\n")
        }
        h.raw("</tbody>\n</table>\n")
        if m.history.count > 200 { h.raw("<p class=\"hint\">Older submissions: <code>cparctl history</code>.</p>\n") }
        h.raw("</section>\n")
    }

    // MARK: pieces

    /// The longest panel label shown whole: a CPAR number has 10 digits, but a panel without one is labelled by
    /// its name, which may run to 255 characters in one word and would otherwise stretch its table off the page.
    static let labelLimit = 24

    /// A table cell; text longer than `limit` is cut with `…` and kept whole in the cell's tooltip.
    static func cell(_ h: inout HTML, _ text: String, cls: String = "", data: String = "", limit: Int = 200) {
        var attributes = cls.isEmpty ? "" : "class=\"\(cls)\""
        if !data.isEmpty { attributes += (attributes.isEmpty ? "" : " ") + "data-field=\"\(data)\"" }
        let shown = cut(text, limit)
        if shown != text { attributes += " title=\"\(HTML.escape(text))\"" }
        h.element("td", shown, attributes: attributes)
    }

    /// At most `limit` characters, ending in `…` when cut.
    static func cut(_ s: String, _ limit: Int) -> String {
        s.count > limit ? String(s.prefix(limit - 1)) + "…" : s
    }

    static func badge(_ h: inout HTML, _ status: String?) {
        guard let status else { h.raw("<span class=\"badge none\">never submitted</span>"); return }
        let known = ["Queued", "Pending", "Submitted", "Failed"].contains(status)
        h.raw("<span class=\"badge \(known ? status.lowercased() : "none")\">")
        h.data(status)
        h.raw("</span>")
    }

    static func percent(_ rate: Double) -> String { "\(Int((rate * 100).rounded()))%" }

    static let style = """
        :root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --soft: #f5f7fa; --accent: #1d4e89; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1180px; padding: 32px 40px 48px; color: var(--ink); background: #fff;
               font: 14px/1.5 "Source Sans 3", "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
        header { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 20px; }
        .eyebrow { margin: 0; color: var(--accent); font-weight: 600; letter-spacing: .08em; text-transform: uppercase; font-size: 12px; }
        h1 { margin: 2px 0 4px; font-size: 26px; font-weight: 600; }
        h2 { font-size: 18px; font-weight: 600; margin: 32px 0 6px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
        h3 { font-size: 15px; font-weight: 600; margin: 18px 0 6px; }
        .meta, .hint { color: var(--muted); margin: 0 0 10px; }
        .alert { background: #fdecea; border-left: 4px solid #a4262c; padding: 8px 12px; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; }
        .card { flex: 1 1 160px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
        .card .value { display: block; font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
        .card .label { color: var(--muted); font-size: 13px; }
        .card.attention { border-left: 4px solid #a4262c; }
        .card.attention .value { color: #a4262c; }
        table { width: 100%; border-collapse: collapse; margin: 6px 0 8px; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--soft); font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.id { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; white-space: nowrap; }
        td.name { max-width: 260px; overflow-wrap: anywhere; }
        td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
        td.error { min-width: 220px; max-width: 300px; overflow-wrap: break-word; color: #7b1f24; }
        td.problems ul { margin: 0; padding-left: 18px; }
        tbody tr:nth-child(even) { background: #fbfcfd; }
        .ok { color: #1e6b34; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
        .badge.submitted { background: #e3f1e6; color: #1e6b34; }
        .badge.failed { background: #fbe4e4; color: #a4262c; }
        .badge.queued { background: #fff1d6; color: #7a4b00; }
        .badge.pending { background: #e3ecf8; color: #1d4e89; }
        .badge.none { background: var(--soft); color: var(--muted); font-weight: 400; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        figure.chart { margin: 0; flex: 1 1 480px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
        figcaption { font-weight: 600; margin-bottom: 6px; overflow-wrap: anywhere; }
        svg .bar { fill: var(--accent); }
        svg .axis { fill: var(--ink); font-size: 12px; }
        svg .count { fill: var(--muted); font-size: 12px; }
        code { background: var(--soft); padding: 0 4px; border-radius: 3px; font-size: 12px; }
        footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 10px; }
        @media print {
          body { padding: 0; max-width: none; font-size: 10pt; }
          section, figure, tr { break-inside: avoid; }
          h2 { break-after: avoid; }
          .badge, th, .card { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }

        """
}
