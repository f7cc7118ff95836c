import CPARCore

/// What `validate` reports of one panel: the extract without the patients' data. SPEC §4, §13.
struct PanelReport: Sendable {
    var label: String
    var name: String
    var asOf: CivilDate
    var problems: [PanelProblem]
    var validCount: Int
    var excluded: [PatientFinding]
    var warnings: [PatientFinding]
    /// For patients with `DUPLICATE_PHN`: the other patient IDs with the same PHN (filled in after the extract).
    var duplicateOf: [String: [String]] = [:]

    init(_ e: PanelExtract) {
        label = e.panel.label
        name = e.panel.name
        asOf = e.asOf
        problems = e.problems
        validCount = e.patients.count
        excluded = e.excluded
        warnings = e.warnings
    }

    var hasProblems: Bool { !problems.isEmpty || !excluded.isEmpty }

    /// Excluded patients per reason, each code counted once per patient, in reason-code order.
    var reasonCounts: [(ReasonCode, Int)] {
        var counts: [ReasonCode: Int] = [:]
        for f in excluded { for r in Set(f.reasons) { counts[r, default: 0] += 1 } }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    var json: JSON {
        .object([
            ("panel", .string(label)),
            ("name", .string(name)),
            ("panel_problems", .array(problems.map { .string($0.rawValue) })),
            ("valid_count", .int(validCount)),
            ("excluded_count", .int(excluded.count)),
            ("reasons", .object(reasonCounts.map { ($0.0.rawValue, .int($0.1)) })),
            ("excluded", .array(excluded.map(json))),
            ("warnings", .array(warnings.map(json))),
        ])
    }

    func json(_ f: PatientFinding) -> JSON {
        var pairs: [(String, JSON)] = [("patient_id", .string(f.patientID)), ("reasons", .array(f.reasons.map { .string($0.rawValue) }))]
        if f.reasons.contains(.duplicatePHN) {
            pairs.append(("duplicate_of", .array((duplicateOf[f.patientID] ?? []).map { .string($0) })))
        }
        if !f.issues.isEmpty { pairs.append(("input_problems", .array(f.issues.map(PanelReport.issueJSON)))) }
        return .object(pairs)
    }

    static func issueJSON(_ i: InputIssue) -> JSON {
        .object([("file", .string(i.file)), ("line", .int(i.line)), ("field", .optional(i.field)), ("message", .string(i.message))])
    }

    /// A patient's reasons in words; `DUPLICATE_PHN` names the other patients.
    func words(_ f: PatientFinding) -> String {
        f.reasons.map { code in
            if code == .duplicatePHN, let others = duplicateOf[f.patientID], !others.isEmpty {
                return "same PHN as " + others.prefix(5).joined(separator: ", ") + (others.count > 5 ? " …" : "")
            }
            return ReasonText.words(code)
        }.joined(separator: "; ")
    }

    /// The human report (SPEC §13): one header line, the panel's problems, the table of reasons with meaning and
    /// fix, then the excluded patients by patient ID with their reasons in words. Input problems are not repeated
    /// here: `validate` lists them once per run.
    var text: String {
        var lines = ["Panel \(label)  \(Text.cut(name, 60)) — \(validCount) valid, \(excluded.count) excluded"
                     + (warnings.isEmpty ? "" : ", \(warnings.count) with warnings")]
        if !problems.isEmpty {
            lines.append("  Nothing will be sent until these are fixed:")
            for p in problems { lines.append("    \(p.rawValue): \(ReasonText.words(p))") }
        }
        let counts = reasonCounts
        if !counts.isEmpty {
            lines.append("  Why patients are excluded (patients; meaning — what to fix in the EMR):")
            let rows = counts.map { code, n in
                ["    " + code.rawValue, String(n), ReasonText.meaning(code, asOf: asOf) + " — " + ReasonText.fix(code)]
            }
            lines.append(Table.render(rows, rightAligned: [1], width: 120))
        }
        if !excluded.isEmpty {
            lines.append("  Excluded patients:")
            lines.append(Table.render(excluded.map { ["    " + $0.patientID, words($0)] }, limits: [0: 28, 1: 90]))
        }
        if !warnings.isEmpty {
            lines.append("  Warnings (sent anyway; check them):")
            lines.append(Table.render(warnings.map { ["    " + $0.patientID, words($0)] }, limits: [0: 28, 1: 90]))
        }
        return lines.joined(separator: "\n")
    }
}

/// Input problems of the EMR export, grouped by file and field: listed once per `validate` run (SPEC §13).
struct InputProblemSummary {
    struct Group {
        var file: String
        var field: String?
        var count = 0
        var messages: [String] = []
        var lines: [Int] = []
    }

    var groups: [Group] = []
    var total: Int
    var itemised: Int

    init(issues: [InputIssue], total: Int) {
        self.total = total
        itemised = issues.count
        var index: [String: Int] = [:]
        for issue in issues {
            let key = issue.file + "\u{0}" + (issue.field ?? "")
            let i = index[key] ?? { groups.append(Group(file: issue.file, field: issue.field)); index[key] = groups.count - 1; return groups.count - 1 }()
            groups[i].count += 1
            if groups[i].messages.count < 3 && !groups[i].messages.contains(issue.message) { groups[i].messages.append(issue.message) }
            if groups[i].lines.count < 4 { groups[i].lines.append(issue.line) }
        }
    }

    var text: String {
        var lines = ["Problems in the EMR export (\(total)), listed once for all panels:"]
        let rows = groups.map { g in
            ["  " + g.file, g.field.map { "field \($0)" } ?? "whole row", "\(g.count)×",
             "line" + (g.lines.count > 1 ? "s " : " ") + g.lines.map(String.init).joined(separator: ", ")
                + (g.count > g.lines.count ? ", …" : ""),
             (g.messages.first ?? "") + (g.messages.count > 1 ? " (and others)" : "")]
        }
        lines.append(Table.render(rows, rightAligned: [2], limits: [1: 24], width: 120))
        if total > itemised {
            lines.append("  … and \(total - itemised) more not itemised (fix the ones above and run validate again)")
        }
        return lines.joined(separator: "\n")
    }

    var json: JSON {
        .array(groups.map { g in
            .object([("file", .string(g.file)), ("field", .optional(g.field)), ("count", .int(g.count)),
                     ("messages", .array(g.messages.map { .string($0) })), ("lines", .array(g.lines.map { .int($0) }))])
        })
    }
}
