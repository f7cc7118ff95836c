import CPARCore

/// The CPAR portal reports of the sample clinic (SPEC §14), with known answers: `cpar-conflict-report.csv` and
/// `cpar-mismatch-report.csv`, written from a few ordinary patients of the first block of 200 (so a sample of at
/// least 40 patients has them all) and without drawing from the generator, so the EMR files stay byte-identical.
///
/// - Conflict report (headers `Panel Number, PHN, Last Name, First Name, Date of Birth, Gender, Conflicting Panel,
///   Conflicting Provider`, dates `DD-Mon-YYYY`, PHNs with dashes): three patients also on another clinic's panel,
///   and one row whose PHN belongs to nobody (unmatched, line 5).
/// - Mismatch report (headers `Panel ID, ULI, Surname, Given_Name, DOB, Sex`, dates `YYYY/MM/DD`): one row per code —
///   family name, given name, birth date, gender, PHN (the registry's ULI differs; matched by name and birth date),
///   one with two codes (family name and birth date), one where the EMR agrees (`O'Neil, Siobhán` written
///   `ONEIL, SIOBHAN`: MISMATCH_UNSPECIFIED), and one row matching nobody (the last line).
public enum SampleReports {
    /// A patient kept for the reports, as written to patients.csv.
    struct Pick {
        var patientID: String
        var phn: [UInt8]
        var family: String
        var given: String
        /// Days since 1970, nil when the dob written was not a date.
        var dob: Int32?
        var gender: String
        var panel: Int
    }

    /// What importing the reports into the sample clinic (after `setup-panels.sh`) must give.
    public struct Answers: Sendable, Equatable {
        /// Patient IDs of the conflict items, in report order.
        public var conflicts: [String] = []
        /// Patient ID → the codes of its mismatch item.
        public var mismatches: [String: [WorklistCode]] = [:]
        /// 1-based line numbers (header = line 1) of the rows that match no paneled patient.
        public var conflictUnmatchedLines: [Int] = []
        public var mismatchUnmatchedLines: [Int] = []
        /// Every PHN, name and birth date text the reports hold (privacy tests search outputs for them).
        /// (Names as the reports write them: upper case.)
        public var reportValues: [String] = []
    }

    static let conflictSlots = [21, 23, 25]
    static let familySlot = 27, givenSlot = 29, dobSlot = 31, genderSlot = 33, phnSlot = 35, twoCodesSlot = 37
    static let agreeingSlot = 4
    static let slots: Set<Int> = Set(conflictSlots + [familySlot, givenSlot, dobSlot, genderSlot, phnSlot, twoCodesSlot,
                                                      agreeingSlot])

    static func write(dir: String, picks: [Int: Pick], patients: Int, phnOffset: Int,
                      panelNumbers: [String]) throws(SampleDataError)
        -> (conflict: SampleDataSummary.File, mismatch: SampleDataSummary.File, answers: Answers) {
        var answers = Answers()
        // PHNs no sample patient has: bodies past the last patient's (the body map is a bijection mod 10^8).
        func unusedPHN(_ k: Int) -> String {
            String(decoding: SampleData.phn(body: ((patients + 1 + k) &* 73_939_133 &+ phnOffset) % 100_000_000),
                   as: UTF8.self)
        }
        func dateText(_ day: Int32, _ style: Int) -> String {
            let d = CivilDate(daysSinceEpoch: day)
            let (y, m, dd) = d.components
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return style == 0 ? SampleData.zeroPadded(dd, width: 2) + "-" + months[m - 1] + "-" + String(y)
                : String(y) + "/" + SampleData.zeroPadded(m, width: 2) + "/" + SampleData.zeroPadded(dd, width: 2)
        }
        func csv(_ fields: [String]) -> String {
            fields.map { f in
                f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                    ? "\"" + f.replacingOccurrences("\"", "\"\"") + "\"" : f
            }.joined(separator: ",") + "\r\n"
        }
        func note(_ values: String...) { answers.reportValues += values.filter { !$0.isEmpty } }

        // Conflict report.
        var conflict = csv(["Panel Number", "PHN", "Last Name", "First Name", "Date of Birth", "Gender",
                            "Conflicting Panel", "Conflicting Provider"])
        var line = 1
        for (k, slot) in conflictSlots.enumerated() {
            guard let p = picks[slot], let dob = p.dob else { continue }
            let phn = String(decoding: p.phn, as: UTF8.self)
            let dashed = phn.count == 9 ? String(phn.prefix(5)) + "-" + String(phn.dropFirst(5)) : phn
            let dobText = dateText(dob, 0)
            conflict += csv([panelNumbers[p.panel], dashed, p.family.uppercased(), p.given.uppercased(), dobText,
                             p.gender.uppercased(), String(8_100_000_000 + 4242 * (k + 1)), "PRV-\(20417 + k)"])
            line += 1
            answers.conflicts.append(p.patientID)
            note(phn, dashed, p.family.uppercased(), p.given.uppercased(), dobText)
        }
        let nobody = unusedPHN(0)
        conflict += csv([panelNumbers[0], nobody, "NOBODY", "NEMO", "01-Jan-1970", "F", "8100099999", "PRV-99999"])
        answers.conflictUnmatchedLines = [line + 1]
        note(nobody)

        // Mismatch report.
        var mismatch = csv(["Panel ID", "ULI", "Surname", "Given_Name", "DOB", "Sex"])
        line = 1
        let rows: [(Int, [WorklistCode])] = [
            (familySlot, [.familyName]), (givenSlot, [.givenName]), (dobSlot, [.dob]), (genderSlot, [.gender]),
            (phnSlot, [.phn]), (twoCodesSlot, [.familyName, .dob]), (agreeingSlot, [.unspecified]),
        ]
        for (slot, codes) in rows {
            guard let p = picks[slot], let dob = p.dob, !p.family.isEmpty, !p.given.isEmpty else { continue }
            var phn = String(decoding: p.phn, as: UTF8.self)
            var family = p.family.uppercased(), given = p.given.uppercased(), day = dob
            var gender = p.gender.uppercased()
            if codes.contains(.familyName) { family = family == "SMITH" ? "JONES" : "SMITH" }
            if codes.contains(.givenName) { given = given == "EMMA" ? "OLIVIA" : "EMMA" }
            if codes.contains(.dob) { day += 1 }
            if codes.contains(.gender) { gender = gender == "F" ? "M" : "F" }
            if codes.contains(.phn) { phn = unusedPHN(1) }
            if slot == agreeingSlot { family = "ONEIL"; given = "SIOBHAN" }
            let dobText = dateText(day, 1)
            mismatch += csv([panelNumbers[p.panel], phn, family, given, dobText, gender])
            line += 1
            answers.mismatches[p.patientID] = codes
            note(phn, family, given, dobText)
        }
        let nobody2 = unusedPHN(2)
        mismatch += csv([panelNumbers[0], nobody2, "NOBODY", "NEMO", "1970/01/01", "F"])
        answers.mismatchUnmatchedLines = [line + 1]
        note(nobody2)

        let conflictFile = try writeFile(dir + "/cpar-conflict-report.csv", conflict, rows: answers.conflicts.count + 1)
        let mismatchFile = try writeFile(dir + "/cpar-mismatch-report.csv", mismatch, rows: answers.mismatches.count + 1)
        return (conflictFile, mismatchFile, answers)
    }

    static func writeFile(_ path: String, _ text: String, rows: Int) throws(SampleDataError) -> SampleDataSummary.File {
        let w = try BufferedWriter(path: path)
        try w.text(text)
        try w.close()
        return SampleDataSummary.File(path: path, rows: rows, bytes: w.bytesWritten)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
