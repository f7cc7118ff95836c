import CPARCore

/// Reads `providers.csv` into a map by `provider_id` (first row wins; bad rows become issues).
enum ProvidersLoader {
    static func load(file: InputFile, header: CSVHeader, columns c: [Int], name: String, options: EMRLoadOptions,
                     issues: inout IssueLog) throws(EMRError) -> [String: Provider] {
        var providers: [String: Provider] = [:]
        var firstLine: [String: Int] = [:]
        var parser = try CSVParser(file: file, start: header.dataStart, line: header.dataLine,
                                   bufferSize: options.bufferSize, maxRecord: options.maxRecordBytes)
        let expected = header.names.count
        while let r = try parser.nextRecord(before: .max) {
            let id = r.string(c[0])
            if r.problem != nil || r.fieldCount != expected {
                let why = r.problem?.description ?? FieldRules.fieldCountMessage(expected: expected, found: r.fieldCount)
                issues.add(InputIssue(file: name, line: r.line, message: why + "; row skipped",
                                      recordID: id.isEmpty ? nil : id))
                continue
            }
            guard !id.isEmpty else {
                issues.add(InputIssue(file: name, line: r.line, field: "provider_id", message: "empty; row skipped"))
                continue
            }
            if let first = firstLine[id] {
                issues.add(InputIssue(file: name, line: r.line, field: "provider_id",
                                      message: "duplicate provider_id; the row on line \(first) is used", recordID: id))
                continue
            }
            firstLine[id] = r.line
            var practitionerID = r.string(c[3])
            if let why = practitionerIDProblem(practitionerID) {
                // Named here, with its file and line; the panel then shows PRACTITIONER_WITHOUT_ID in `validate`
                // instead of the payload build failing later with no line to fix.
                issues.add(InputIssue(file: name, line: r.line, field: "practitioner_id",
                                      message: why + "; taken as missing", recordID: id))
                practitionerID = ""
            }
            providers[id] = Provider(providerID: id, familyName: r.string(c[1]), givenName: r.string(c[2]),
                                     practitionerID: practitionerID)
        }
        return providers
    }

    /// Why a practitioner ID cannot go into a payload (the schema's identifier: one line, at most 64 characters,
    /// characters XML can carry), or nil. An empty one is not a problem here: it is PRACTITIONER_WITHOUT_ID.
    static func practitionerIDProblem(_ s: String) -> String? {
        if s.unicodeScalars.count > 64 { return "longer than 64 characters" }
        if s.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) { return "contains a line break" }
        var copy = s
        return copy.withUTF8 { XMLCharacters.containsForbidden($0) } ? XMLCharacters.problem : nil
    }
}
