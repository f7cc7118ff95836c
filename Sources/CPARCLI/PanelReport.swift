import CPARCore

/// What `validate` reports of one panel: the extract without the patients' data.
struct PanelReport: Sendable {
    var label: String
    var name: String
    var problems: [PanelProblem]
    var validCount: Int
    var excluded: [PatientFinding]
    var warnings: [PatientFinding]

    init(_ e: PanelExtract) {
        label = e.panel.label
        name = e.panel.name
        problems = e.problems
        validCount = e.patients.count
        excluded = e.excluded
        warnings = e.warnings
    }

    var hasProblems: Bool { !problems.isEmpty || !excluded.isEmpty }

    var json: JSON {
        .object([
            ("panel", .string(label)),
            ("name", .string(name)),
            ("panel_problems", .array(problems.map { .string($0.rawValue) })),
            ("valid_count", .int(validCount)),
            ("excluded", .array(excluded.map(PanelReport.json))),
            ("warnings", .array(warnings.map(PanelReport.json))),
        ])
    }

    static func json(_ f: PatientFinding) -> JSON {
        var pairs: [(String, JSON)] = [("patient_id", .string(f.patientID)), ("reasons", .array(f.reasons.map { .string($0.rawValue) }))]
        if !f.issues.isEmpty { pairs.append(("input_problems", .array(f.issues.map(issueJSON)))) }
        return .object(pairs)
    }

    static func issueJSON(_ i: InputIssue) -> JSON {
        .object([("file", .string(i.file)), ("line", .int(i.line)), ("field", .optional(i.field)), ("message", .string(i.message))])
    }

    /// Human lines: the panel, its problems, and every excluded or warned patient by patient_id.
    var text: String {
        var lines = ["panel \(label) (\(name)): \(validCount) valid, \(excluded.count) excluded, \(warnings.count) with warnings"]
        if !problems.isEmpty {
            lines.append("  panel problems: " + problems.map(\.rawValue).joined(separator: ", ") + " — nothing will be sent")
        }
        for f in excluded {
            lines.append("  excluded \(f.patientID): " + f.reasons.map(\.rawValue).joined(separator: ", "))
            for issue in f.issues { lines.append("    \(issue)") }
        }
        for f in warnings {
            lines.append("  warning  \(f.patientID): " + f.reasons.map(\.rawValue).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
