import CPARCore

/// One worker's share of `patients.csv`: records (lines relative to the worker) and issues whose owners are
/// worker-local record indexes.
struct PatientsSink: CSVSink {
    let file: String
    let expected: Int
    let id: Int, phn: Int, family: Int, given: Int, dob: Int, gender: Int, status: Int, mrp: Int
    let records: SegmentedStorage<PatientRecord>
    /// Each record's validation facts as far as patients.csv tells them (the last visit comes later).
    let facts: SegmentedStorage<PatientFacts>
    var issues: IssueLog

    init(file: String, expected: Int, columns c: [Int], issueLimit: Int) {
        self.file = file
        self.expected = expected
        id = c[0]; phn = c[1]; family = c[2]; given = c[3]; dob = c[4]; gender = c[5]; status = c[6]; mrp = c[7]
        records = SegmentedStorage()
        facts = SegmentedStorage()
        issues = IssueLog(limit: issueLimit)
    }

    mutating func consume(_ r: CSVRecord) {
        let local = records.count
        var unreadable = r.problem != nil || r.fieldCount != expected
        let idBytes = r.trimmed(id)
        if unreadable {
            let why = r.problem?.description ?? FieldRules.fieldCountMessage(expected: expected, found: r.fieldCount)
            guard !idBytes.isEmpty else {
                issues.add(InputIssue(file: file, line: r.line, message: why + "; row skipped"))
                return
            }
            issues.add(InputIssue(file: file, line: r.line, message: why, recordID: String(decoding: idBytes, as: UTF8.self)),
                       owner: local)
        } else if idBytes.isEmpty {
            issues.add(InputIssue(file: file, line: r.line, field: "patient_id", message: "empty; row skipped"))
            return
        }
        let patientID = String(decoding: idBytes, as: UTF8.self)

        let dobBytes = r.trimmed(dob)
        let birth = ISODate.days(dobBytes).map(CivilDate.init(daysSinceEpoch:))
        if birth == nil && !dobBytes.isEmpty && !unreadable {
            issues.add(InputIssue(file: file, line: r.line, field: "dob", message: "not a date (YYYY-MM-DD)",
                                  recordID: patientID), owner: local)
        }
        var sex: Gender?
        switch FieldRules.gender(r.trimmed(gender)) {
        case .value(let g): sex = g
        case .invalid:
            sex = nil
            if !unreadable {
                issues.add(InputIssue(file: file, line: r.line, field: "gender", message: "not M, F, X or U",
                                      recordID: patientID), owner: local)
            }
        }
        // A name the payload could not carry makes the record unreadable here, so one bad row never fails a panel.
        if !unreadable {
            let field = XMLCharacters.containsForbidden(r.trimmed(family)) ? "family_name"
                : XMLCharacters.containsForbidden(r.trimmed(given)) ? "given_name" : nil
            if let field {
                issues.add(InputIssue(file: file, line: r.line, field: field, message: XMLCharacters.problem,
                                      recordID: patientID), owner: local)
                unreadable = true
            }
        }
        let record = PatientRecord(patientID: patientID, phn: r.string(phn), familyName: r.string(family),
                                   givenName: r.string(given), dob: birth, gender: sex,
                                   isActive: FieldRules.isActive(r.trimmed(status)), mrpProviderID: r.string(mrp),
                                   line: r.line, unreadable: unreadable)
        facts.append(PatientFacts(record: record))
        records.append(record)
    }
}
