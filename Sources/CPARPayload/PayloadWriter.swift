import CLibXML2
import CPARCore
import CPARSystem

/// Serialises a panel extract as the submission payload (SPEC §6, `schema/cpar-submission.xsd`) with libxml2's
/// xmlTextWriter. Layout: UTF-8 with an XML declaration, two-space indentation, one facility, practitioner or
/// patient per line. Equal inputs give equal bytes apart from `SubmissionId` and `Created`.
public enum PayloadWriter {
    /// The whole payload in memory (for small panels and tests).
    public static func bytes(for extract: PanelExtract, header: PayloadHeader) throws(PayloadError) -> [UInt8] {
        // About 250 bytes a patient with short names, plus the header.
        let output = PayloadOutput(expectedSize: 4096 + 256 * extract.patients.count)
        try serialise(extract, header: header, into: output)
        return output.memory
    }

    /// Streams the payload to a new file created 0600: writes `path + ".tmp"`, fsyncs it, renames it over `path`
    /// and fsyncs the directory. Returns the file's SHA-256 (lower-case hex) and size in bytes.
    /// - Parameters:
    ///   - sync: `false` skips both fsyncs: the file is still whole or absent, but may not survive a crash.
    ///   - hash: `false` skips the SHA-256 (about half the cost) and returns an empty `sha256`.
    ///   `sync` and `hash` are for dry runs only; a payload that will be sent must keep the defaults.
    public static func write(
        _ extract: PanelExtract, header: PayloadHeader, to path: String, sync: Bool = true,
        hash: Bool = true
    ) throws(PayloadError) -> (sha256: String, bytes: Int) {
        try checkHeader(extract, header)
        // A fixed temporary name: cpard is the only writer (the instance lock) and startup recovery removes `*.tmp`.
        let file: DurableFile
        do { file = try DurableFile(creating: path, mode: 0o600, temporaryPath: path + ".tmp") } catch { throw PayloadError(error) }
        let output = PayloadOutput(fd: file.descriptor, path: file.temporaryPath, hashing: hash)
        do {
            try serialise(extract, header: header, into: output)
        } catch {
            file.discard()
            throw error
        }
        do { try file.commit(sync: sync) } catch { throw PayloadError(error) }
        return (output.sha256Hex(), output.byteCount)
    }

    // MARK: - Serialisation

    static func serialise(_ x: PanelExtract, header: PayloadHeader, into output: PayloadOutput) throws(PayloadError) {
        try checkHeader(x, header)
        guard let site = x.site, let number = x.panel.number else { throw .notSubmittable(x.problems) }
        let created = try utcTimestamp(header.created)

        let collector = XMLErrorCollector()
        var markup = MarkupBuffer(capacity: 512)
        defer { markup.deallocate() }
        try LibXML.capturingErrors(into: collector) { () throws(PayloadError) in
            guard let buffer = output.makeOutputBuffer() else { throw .writer("cannot create an output buffer") }
            guard let writer = xmlNewTextWriter(buffer) else {
                xmlOutputBufferClose(buffer)
                throw .writer("cannot create a text writer")
            }
            defer { xmlFreeTextWriter(writer) }
            let out = XMLOut(writer: writer, output: output, collector: collector)

            try out.startDocument()
            try out.startRoot("Submission", namespace: "urn:cpard:submission:1")
            try out.layout("\n  ")
            try out.element("SubmissionId", header.submissionID)
            try out.layout("\n  ")
            try out.element("Period", header.period.description)
            try out.layout("\n  ")
            try out.element("Created", created)

            try out.layout("\n  ")
            try out.start("Site")
            try out.element("SiteId", site.siteID)
            try out.element("Name", site.name)
            try out.end()

            try out.layout("\n  ")
            try out.start("Panel")
            try out.element("Number", number)
            try out.element("Name", x.panel.name)
            try out.end()

            try out.layout("\n  ")
            try out.start("Facilities")
            for facility in x.facilityIDs {
                try out.layout("\n    ")
                try out.element("Facility", facility)
            }
            try out.layout("\n  ")
            try out.end()

            try out.layout("\n  ")
            try out.start("Practitioners")
            for p in x.practitioners {
                try out.layout("\n    ")
                try out.start("Practitioner")
                try out.element("PractitionerId", p.practitionerID)
                try out.element("FamilyName", p.familyName)
                try out.element("GivenName", p.givenName)
                try out.end()
            }
            try out.layout("\n  ")
            try out.end()

            try out.layout("\n  ")
            try out.start("Patients")
            try out.attribute("count", String(x.patients.count))
            var previousPHN = -1
            for (index, p) in x.patients.enumerated() {
                let phn = try checkPatient(p, index: index, after: &previousPHN)
                // One line per patient, in one markup write when neither name needs escaping (the usual case:
                // then escaping would give the same bytes); a name that does goes through libxml2.
                markup.reset()
                markup.append("\n    <Patient><Phn>")
                markup.append(digits: phn, width: 9)
                markup.append("</Phn><FamilyName>")
                if !markup.append(textNeedingNoEscape: p.familyName) {
                    try out.markup(markup.base, count: markup.count)
                    markup.reset()
                    try out.text(p.familyName)
                }
                markup.append("</FamilyName><GivenName>")
                if !markup.append(textNeedingNoEscape: p.givenName) {
                    try out.markup(markup.base, count: markup.count)
                    markup.reset()
                    try out.text(p.givenName)
                }
                markup.append("</GivenName><BirthDate>")
                try append(p.dob, to: &markup, index: index, field: "birth date")
                markup.append("</BirthDate><Gender>")
                markup.append(byte: UInt8(ascii: p.gender == .male ? "M" : p.gender == .female ? "F" : "X"))
                markup.append("</Gender><LastVisitDate>")
                try append(p.lastVisit, to: &markup, index: index, field: "last visit date")
                markup.append("</LastVisitDate><ConfirmationDate>")
                try append(p.confirmationDate, to: &markup, index: index, field: "confirmation date")
                markup.append("</ConfirmationDate></Patient>")
                try out.markup(markup.base, count: markup.count)
            }
            try out.layout("\n  ")
            try out.end()
            try out.layout("\n")
            try out.end()
            try out.endDocument()
        }
        try output.finish()
    }

    // MARK: - Checks

    /// Everything but the patients, checked before any byte is written.
    private static func checkHeader(_ x: PanelExtract, _ h: PayloadHeader) throws(PayloadError) {
        guard x.isSubmittable, let site = x.site, x.panel.number != nil else { throw .notSubmittable(x.problems) }
        guard PayloadFieldRules.isUUID(h.submissionID) else {
            throw .invalidField(field: "submission ID", reason: "is not a UUID")
        }
        if let problem = PayloadFieldRules.identifierProblem(site.siteID) {
            throw .invalidField(field: "site ID", reason: problem)
        }
        if let problem = PayloadFieldRules.labelProblem(site.name) {
            throw .invalidField(field: "site name", reason: problem)
        }
        guard PayloadFieldRules.isDigits(x.panel.number ?? "", 1...10) else {
            throw .invalidField(field: "panel number", reason: "is not 1 to 10 digits")
        }
        if let problem = PayloadFieldRules.labelProblem(x.panel.name) {
            throw .invalidField(field: "panel name", reason: problem)
        }
        guard !x.facilityIDs.isEmpty else { throw .invalidField(field: "facility IDs", reason: "are missing") }
        for (i, f) in x.facilityIDs.enumerated() where !PayloadFieldRules.isDigits(f, 6...20) {
            throw .invalidField(field: "facility ID \(i + 1)", reason: "is not 6 to 20 digits")
        }
        guard !x.practitioners.isEmpty else { throw .invalidField(field: "practitioners", reason: "are missing") }
        for (i, p) in x.practitioners.enumerated() {
            if let problem = PayloadFieldRules.identifierProblem(p.practitionerID) {
                throw .invalidField(field: "practitioner \(i + 1) ID", reason: problem)
            }
            for (field, value) in [("family name", p.familyName), ("given name", p.givenName)] {
                if let problem = PayloadFieldRules.characterProblem(value) {
                    throw .invalidField(field: "practitioner \(i + 1) \(field)", reason: problem)
                }
            }
        }
        guard !x.patients.isEmpty else { throw .invalidField(field: "patients", reason: "are missing") }
    }

    /// Checks one patient's PHN (9 digits, ascending) and names; returns the PHN as a number.
    @inline(__always)
    private static func checkPatient(_ p: ExtractPatient, index: Int, after previous: inout Int) throws(PayloadError) -> Int {
        var phnText = p.phn
        let phn = phnText.withUTF8 { b -> Int in
            guard b.count == 9 else { return -1 }
            var v = 0
            for c in b {
                guard c >= 0x30 && c <= 0x39 else { return -1 }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard phn >= 0 else { throw .invalidField(field: patientField(index, "PHN"), reason: "is not exactly 9 digits") }
        guard phn > previous else {
            throw .invalidField(field: patientField(index, "PHN"),
                                reason: "is not greater than the previous patient's (patients must be unique and ordered by PHN)")
        }
        previous = phn
        if p.familyName.isEmpty { throw .invalidField(field: patientField(index, "family name"), reason: "is empty") }
        if let problem = PayloadFieldRules.characterProblem(p.familyName) {
            throw .invalidField(field: patientField(index, "family name"), reason: problem)
        }
        if let problem = PayloadFieldRules.characterProblem(p.givenName) {
            throw .invalidField(field: patientField(index, "given name"), reason: problem)
        }
        return phn
    }

    private static func patientField(_ index: Int, _ field: String) -> String {
        "patient \(index + 1) (in PHN order) \(field)"
    }

    // MARK: - Formatting


    /// Appends a patient's date as `YYYY-MM-DD`; the year must have four digits.
    @inline(__always)
    private static func append(_ date: CivilDate, to markup: inout MarkupBuffer, index: Int, field: String) throws(PayloadError) {
        guard markup.append(date: date) else {
            throw .invalidField(field: patientField(index, field), reason: "is outside the years 1000 to 9999")
        }
    }

    /// Unix seconds as `YYYY-MM-DDThh:mm:ssZ`.
    static func utcTimestamp(_ seconds: Int64) throws(PayloadError) -> String {
        guard (1000...9999).contains(Civil.date(fromDays: Timestamp.split(seconds).days).year) else {
            throw .invalidField(field: "creation time", reason: "is outside the years 1000 to 9999")
        }
        return Timestamp.iso8601(seconds)
    }
}
