import CPARSystem
import CPARCore
import Foundation

/// A deterministic, realistic synthetic EMR export (SPEC §2, §4 `sample-data`), for the demo, the tests and the
/// benchmark. The same (patients, panels, seed, appointmentsPerPatient) always gives byte-identical files: values
/// come from a seeded SplitMix64 generator and every date from fixed ranges (ordinary visits fall between
/// 2023-01-01 and 2026-10-31; use an extract date from 2026-10-31 to 2026-12-31).
///
/// Files written to `outDir`:
/// - `providers.csv` — one provider per panel (`PR0001`…), plus three on no panel; when there are 3 or more panels
///   the last panel's provider has an empty `practitioner_id` (that panel fails with PRACTITIONER_WITHOUT_ID).
/// - `patients.csv` — UTF-8 BOM and CRLF line endings; extra columns (`chart_no`, `postal_code`); names with
///   accents and `& < > " '`; once each, a family name with a quoted comma (patient 7) and a given name with a
///   quoted newline (patient 8).
/// - `appointments.csv` — about `appointmentsPerPatient` rows per patient, grouped by patient, dates ascending.
/// - `panel-import.csv` — `patient_id,panel,confirmation_date` for `cparctl bulk import`: each patient on the panel
///   of its MRP, confirmed on or after its last appointment.
/// - `setup-panels.sh` — `cparctl "$@" site set …`, one `panel add` per panel, then `bulk import`.
///
/// Planted invalid patients (`PlantedKind`), by position: patient index i (0-based) has kind
/// `plantedKind(ofPatientAt: i)`, i.e. one of each kind in every block of 200 patients (so all of them from
/// 200 patients up):
/// - inactive — status `Inactive`, `deceased` or `Transferred out` (NOT_ACTIVE)
/// - missingPHN — empty PHN (MISSING_PHN)
/// - phnWrongLength — 8 digits (INVALID_PHN)
/// - phnWithLetters — a letter among the digits (INVALID_PHN)
/// - phnBadCheckDigit — 9 digits, wrong check digit (PHN_CHECK_DIGIT)
/// - phnWithSeparators — a valid PHN written `12345-6789` or `123 456 789` (valid)
/// - missingDOB — empty dob (MISSING_DOB)
/// - unreadableDOB — dob not a real `YYYY-MM-DD` date (MISSING_DOB, plus an input issue)
/// - missingFamilyName — empty family name (MISSING_FAMILY_NAME)
/// - emptyGender — empty gender (MISSING_GENDER)
/// - unknownGender — gender `U`/`u` (MISSING_GENDER)
/// - invalidGender — gender `Female`, `?` or `O` (MISSING_GENDER, plus an input issue)
/// - noAppointments — no appointments at all (NO_LAST_VISIT)
/// - onlyCancelled — only cancelled / no-show appointments (NO_LAST_VISIT)
/// - onlyFuture — only appointments in 2027 (NO_LAST_VISIT)
/// - lastVisitBeforeDOB — born in 2024, all visits before the birth date (LAST_VISIT_BEFORE_DOB)
/// - emptyConfirmation — empty confirmation date in panel-import.csv (NO_CONFIRMATION_DATE)
/// - duplicatePHN — the same PHN as the patient before it, on another panel when there are 2+ panels
///   (DUPLICATE_PHN on both)
/// - shortRow — a patients.csv row missing its last field (UNREADABLE_RECORD)
/// - extraField — a patients.csv row with an extra field (UNREADABLE_RECORD)
/// - badAppointmentDate — otherwise valid; one of its appointment rows has an impossible date (input issue)
/// - shortAppointmentRow — otherwise valid; one of its appointment rows is short (input issue)
/// - unknownPatientInImport — otherwise valid; panel-import.csv also has a row, right after this patient's, naming
///   a patient_id absent from patients.csv (UNKNOWN_PATIENT)
public enum SampleData {
    public enum PlantedKind: String, CaseIterable, Sendable {
        case inactive, missingPHN, phnWrongLength, phnWithLetters, phnBadCheckDigit, phnWithSeparators
        case missingDOB, unreadableDOB, missingFamilyName, emptyGender, unknownGender, invalidGender
        case noAppointments, onlyCancelled, onlyFuture, lastVisitBeforeDOB, emptyConfirmation, duplicatePHN
        case shortRow, extraField, badAppointmentDate, shortAppointmentRow, unknownPatientInImport
    }

    /// Planted kinds repeat in blocks of this many patients.
    public static let blockSize = 200

    private static let kindBySlot: [Int: PlantedKind] = {
        var map: [Int: PlantedKind] = [:]
        for (k, kind) in PlantedKind.allCases.enumerated() { map[10 + 8 * k] = kind }
        return map
    }()

    /// The planted kind of patient `index` (0-based), or nil for an ordinary patient.
    public static func plantedKind(ofPatientAt index: Int) -> PlantedKind? { kindBySlot[index % blockSize] }

    /// The `patient_id` of patient `index` (0-based) in a sample of `patients` patients.
    public static func patientID(ofPatientAt index: Int, patients: Int) -> String {
        "P" + zeroPadded(index + 1, width: patientIDWidth(patients))
    }

    /// The absent `patient_id` that panel-import.csv names after the `unknownPatientInImport` patient of `block`.
    public static func unknownPatientID(block: Int, patients: Int) -> String {
        "P" + zeroPadded(patients + 1 + block, width: patientIDWidth(patients))
    }

    /// The `provider_id` of provider `index` (0-based; panel k's provider is index k − 1).
    public static func providerID(ofProviderAt index: Int, panels: Int) -> String {
        "PR" + zeroPadded(index + 1, width: max(4, String(panels + extraProviders).count))
    }

    /// The CPAR panel number of panel `index` (0-based): 10 digits.
    public static func panelNumber(ofPanelAt index: Int) -> String { String(7_000_000_000 + (index + 1) * 1013) }

    /// Providers on no panel.
    public static let extraProviders = 3

    public static func generate(outDir: String, patients: Int, panels: Int, seed: UInt64,
                                appointmentsPerPatient: Int = 10) throws -> SampleDataSummary {
        guard patients >= 1 else { throw SampleDataError.invalidArgument("--patients must be at least 1") }
        guard panels >= 1 else { throw SampleDataError.invalidArgument("--panels must be at least 1") }
        guard appointmentsPerPatient >= 1 else {
            throw SampleDataError.invalidArgument("appointments per patient must be at least 1")
        }
        do {
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        } catch {
            throw SampleDataError.io(path: outDir, message: "cannot create the directory")
        }
        var generator = Generator(dir: outDir, patients: patients, panels: panels, seed: seed,
                                  perPatient: appointmentsPerPatient)
        return try generator.run()
    }

    static func patientIDWidth(_ patients: Int) -> Int { max(7, String(patients + patients / blockSize + 2).count) }

    static func zeroPadded(_ v: Int, width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// The one-pass writer behind `SampleData.generate`.
private struct Generator {
    let dir: String
    let patients: Int
    let panels: Int
    let perPatient: Int
    var rng: SplitMix64
    let dates = DateTable(from: CivilDate(year: 1930, month: 1, day: 1)!, to: CivilDate(year: 2027, month: 12, day: 31)!)

    let visitFirst = CivilDate(year: 2023, month: 1, day: 1)!.daysSinceEpoch
    let visitLast = CivilDate(year: 2026, month: 10, day: 31)!.daysSinceEpoch
    let futureFirst = CivilDate(year: 2027, month: 1, day: 4)!.daysSinceEpoch
    let futureLast = CivilDate(year: 2027, month: 6, day: 30)!.daysSinceEpoch
    let dobFirst = CivilDate(year: 1930, month: 1, day: 1)!.daysSinceEpoch
    let dobLast = CivilDate(year: 2024, month: 12, day: 31)!.daysSinceEpoch
    let lateDobFirst = CivilDate(year: 2024, month: 1, day: 1)!.daysSinceEpoch

    var providerIDs: [String] = []
    var panelNumbers: [String] = []
    var phnOffset: Int

    init(dir: String, patients: Int, panels: Int, seed: UInt64, perPatient: Int) {
        self.dir = dir
        self.patients = patients
        self.panels = panels
        self.perPatient = perPatient
        rng = SplitMix64(seed: seed)
        phnOffset = rng.below(100_000_000)
    }

    mutating func run() throws -> SampleDataSummary {
        let providers = try writeProviders()
        let script = try writeSetupScript(providerNames: providers.names)
        let (patientFile, visitFile, importFile, planted) = try writePatients()
        return SampleDataSummary(directory: dir, providers: providers.file, patients: patientFile,
                                 appointments: visitFile, panelImport: importFile, setupScript: script,
                                 panels: panels, planted: planted)
    }

    // MARK: providers.csv

    mutating func writeProviders() throws -> (file: SampleDataSummary.File, names: [(String, String)]) {
        let path = dir + "/providers.csv"
        let w = try BufferedWriter(path: path)
        try w.text("provider_id,family_name,given_name,practitioner_id,specialty\n")
        let count = panels + SampleData.extraProviders
        var names: [(String, String)] = []
        for k in 0..<count {
            let id = SampleData.providerID(ofProviderAt: k, panels: panels)
            providerIDs.append(id)
            // Distinct (family, given) pairs for the first 520 providers, so panel names are distinct.
            let families = SampleNames.providerFamily, givens = SampleNames.providerGiven
            let family = families[k % families.count]
            var given = givens[(k + k / families.count) % givens.count]
            if k >= families.count * givens.count { given += " \(k / (families.count * givens.count) + 1)" }
            names.append((family, given))
            try w.text(id)
            try w.byte(0x2C)
            try w.csvField(family)
            try w.byte(0x2C)
            try w.csvField(given)
            try w.byte(0x2C)
            let withoutID = panels >= 3 && k == panels - 1
            if !withoutID { try w.digits(10_000_000 + k * 4093 + rng.below(4000)) }
            try w.byte(0x2C)
            try w.text(k < panels ? (k % 7 == 3 ? "Paediatrics" : "Family Medicine") : "Locum")
            try w.byte(0x0A)
        }
        try w.close()
        return (SampleDataSummary.File(path: path, rows: count, bytes: w.bytesWritten), names)
    }

    // MARK: setup-panels.sh

    mutating func writeSetupScript(providerNames: [(String, String)]) throws -> SampleDataSummary.File {
        let path = dir + "/setup-panels.sh"
        let w = try BufferedWriter(path: path)
        try w.text("""
            #!/bin/sh
            # Sets up the sample clinic's site and CPAR panels in cpard, then imports panel membership.
            # Generated by cparctl sample-data. Usage: sh setup-panels.sh --config /path/to/cpard.conf
            set -e
            cparctl "$@" site set --name 'Riverbend Family Medicine Network' --site-id 480123

            """)
        for k in 0..<panels {
            let number = SampleData.panelNumber(ofPanelAt: k)
            panelNumbers.append(number)
            let (family, given) = providerNames[k]
            let group = k / 4
            let facility = group % 3 == 0 ? String(4200 + group) : String(610_000 + group * 37)
            try w.text("cparctl \"$@\" panel add --name \(shellQuoted("Dr. \(given) \(family)")) --number \(number)")
            try w.text(" --cpar --facility \(facility) --practitioner \(providerIDs[k])")
            try w.text(" --notify panel-\(k + 1)@clinic.example\n")
        }
        try w.text("cparctl \"$@\" bulk import --csv \"$(dirname \"$0\")/panel-import.csv\"\n")
        try w.close()
        do { try Posix.chmod(path, 0o755) } catch { throw SampleDataError.io(path: path, message: "chmod failed: " + error.reason) }
        return SampleDataSummary.File(path: path, rows: panels + 2, bytes: w.bytesWritten)
    }

    func shellQuoted(_ s: String) -> String {
        "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    // MARK: patients.csv, appointments.csv, panel-import.csv

    struct Visit { var day: Int32; var status: String; var provider: Int }

    mutating func writePatients() throws -> (SampleDataSummary.File, SampleDataSummary.File, SampleDataSummary.File,
                                             [SampleData.PlantedKind: Int]) {
        let patientPath = dir + "/patients.csv", visitPath = dir + "/appointments.csv"
        let importPath = dir + "/panel-import.csv"
        let pw = try BufferedWriter(path: patientPath)
        let aw = try BufferedWriter(path: visitPath)
        let iw = try BufferedWriter(path: importPath)
        try CSVHeader.bom.withUnsafeBufferPointer { (b) throws(SampleDataError) in try pw.bytes(b) }
        try pw.text("patient_id,chart_no,phn,family_name,given_name,dob,gender,status,mrp_provider_id,postal_code\r\n")
        try aw.text("appointment_id,patient_id,provider_id,date,status\n")
        try iw.text("patient_id,panel,confirmation_date\n")

        let appointmentWidth = max(8, String(patients * (2 * perPatient + 2)).count)
        var appointmentNumber = 0
        var visitRows = 0, importRows = 0
        var planted: [SampleData.PlantedKind: Int] = [:]
        var previousPHN: [UInt8] = [], previousMRP = 0
        var visits: [Visit] = []
        visits.reserveCapacity(2 * perPatient + 4)

        for i in 0..<patients {
            let kind = SampleData.plantedKind(ofPatientAt: i)
            if let kind { planted[kind, default: 0] += 1 }
            let slot = i % SampleData.blockSize, block = i / SampleData.blockSize
            let id = SampleData.patientID(ofPatientAt: i, patients: patients)

            var family = rng.pick(SampleNames.family), given = rng.pick(SampleNames.given)
            switch slot {
            case 1: given = "Robert \"Bob\""
            case 2: family = "Smith & Jones"
            case 3: given = "Baby Girl <Twin A>"
            case 4: family = "O'Neil"; given = "Siobhán"
            case 5: family = "Muñoz-Sørensen"; given = "Øyvind"
            case 6 where block == 0: family = "Smith, Jr."
            case 7 where block == 0: given = "Mary\nAnne"
            default: break
            }
            var mrp = rng.below(panels)
            var phn = SamplePHN.withCheckDigit(body: (i &* 73_939_133 &+ phnOffset) % 100_000_000)
            var dob = Int32(Int(dobFirst) + rng.below(Int(dobLast - dobFirst) + 1))
            var dobText: String?
            let g = rng.below(100)
            var gender = g < 47 ? "F" : g < 94 ? "M" : g < 97 ? "f" : g < 99 ? "m" : "X"
            let s = rng.below(10)
            var status = s < 6 ? "Active" : s < 9 ? "active" : "ACTIVE"
            let postal = postalCode()

            switch kind {
            case .inactive?: status = ["Inactive", "deceased", "Transferred out"][block % 3]
            case .missingPHN?: phn = []
            case .phnWrongLength?: phn.removeLast()
            case .phnWithLetters?: phn[2] = UInt8(ascii: "A")
            case .phnBadCheckDigit?: phn[4] = UInt8(48 + (Int(phn[4]) - 48 + 1) % 10)
            case .phnWithSeparators?:
                phn = block % 2 == 0 ? Array(phn[0..<5]) + [0x2D] + Array(phn[5...])
                    : Array(phn[0..<3]) + [0x20] + Array(phn[3..<6]) + [0x20] + Array(phn[6...])
            case .missingDOB?: dobText = ""
            case .unreadableDOB?: dobText = ["1985-02-30", "03/04/1985", "19850304", "1985-13-01"][block % 4]
            case .missingFamilyName?: family = ""
            case .emptyGender?: gender = ""
            case .unknownGender?: gender = block % 2 == 0 ? "U" : "u"
            case .invalidGender?: gender = ["Female", "?", "O"][block % 3]
            case .lastVisitBeforeDOB?: dob = Int32(Int(lateDobFirst) + rng.below(300) + 30)
            case .duplicatePHN?:
                phn = previousPHN
                if panels >= 2 { mrp = (previousMRP + 1) % panels }
            default: break
            }

            // Appointments.
            visits.removeAll(keepingCapacity: true)
            switch kind {
            case .noAppointments?: break
            case .onlyCancelled?:
                for _ in 0..<(1 + rng.below(4)) {
                    visits.append(Visit(day: visitDay(notBefore: dob), status: rng.pick(SampleNames.notCounting),
                                        provider: mrp))
                }
            case .onlyFuture?:
                for _ in 0..<(1 + rng.below(3)) {
                    let day = Int32(Int(futureFirst) + rng.below(Int(futureLast - futureFirst) + 1))
                    visits.append(Visit(day: day, status: "booked", provider: mrp))
                }
            case .lastVisitBeforeDOB?:
                for _ in 0..<(1 + rng.below(3)) {
                    let day = Int32(Int(visitFirst) + rng.below(Int(dob - visitFirst)))
                    visits.append(Visit(day: day, status: "completed", provider: mrp))
                }
            default:
                let count = 1 + rng.below(2 * perPatient - 1)
                for _ in 0..<count {
                    let status = rng.chance(15) ? rng.pick(SampleNames.notCounting) : rng.pick(SampleNames.counting)
                    let provider = rng.chance(85) ? mrp : rng.below(providerIDs.count)
                    visits.append(Visit(day: visitDay(notBefore: dob), status: status, provider: provider))
                }
                visits[rng.below(count)].status = "completed"  // at least one visit counts
            }
            sortByDay(&visits)

            // patients.csv row.
            try pw.text(id)
            try pw.byte(0x2C)
            try pw.digits(100_000 + i)
            try pw.byte(0x2C)
            try phn.withUnsafeBufferPointer { (b) throws(SampleDataError) in try pw.bytes(b) }
            try pw.byte(0x2C)
            try pw.csvField(family)
            try pw.byte(0x2C)
            try pw.csvField(given)
            try pw.byte(0x2C)
            if let dobText { try pw.text(dobText) } else { try dates.write(dob, to: pw) }
            try pw.byte(0x2C)
            try pw.text(gender)
            try pw.byte(0x2C)
            try pw.text(status)
            try pw.byte(0x2C)
            try pw.text(providerIDs[mrp])
            switch kind {
            case .shortRow?: break
            case .extraField?:
                try pw.byte(0x2C)
                try pw.text(postal.replacingOccurrences(of: " ", with: ","))
            default:
                try pw.byte(0x2C)
                try pw.text(postal)
            }
            try pw.text("\r\n")

            // appointments.csv rows.
            func appointmentPrefix() throws {
                appointmentNumber += 1
                try aw.byte(UInt8(ascii: "A"))
                try aw.digits(appointmentNumber, width: appointmentWidth)
                try aw.byte(0x2C)
                try aw.text(id)
                try aw.byte(0x2C)
            }
            for (n, visit) in visits.enumerated() {
                try appointmentPrefix()
                try aw.text(providerIDs[visit.provider])
                try aw.byte(0x2C)
                try dates.write(visit.day, to: aw)
                try aw.byte(0x2C)
                try aw.text(visit.status)
                try aw.byte(0x0A)
                visitRows += 1
                if n == visits.count / 2 {
                    if kind == .badAppointmentDate {
                        try appointmentPrefix()
                        try aw.text(providerIDs[mrp] + ",2025-02-30,completed\n")
                        visitRows += 1
                    } else if kind == .shortAppointmentRow {
                        try appointmentPrefix()
                        try aw.text(providerIDs[mrp] + "\n")
                        visitRows += 1
                    }
                }
            }

            // panel-import.csv row(s).
            try iw.text(id)
            try iw.byte(0x2C)
            try iw.text(panelNumbers[mrp])
            try iw.byte(0x2C)
            if kind != .emptyConfirmation { try dates.write(confirmation(after: visits), to: iw) }
            try iw.byte(0x0A)
            importRows += 1
            if kind == .unknownPatientInImport {
                try iw.text(SampleData.unknownPatientID(block: block, patients: patients))
                try iw.byte(0x2C)
                try iw.text(panelNumbers[rng.below(panels)])
                try iw.byte(0x2C)
                try dates.write(visitLast - 20, to: iw)
                try iw.byte(0x0A)
                importRows += 1
            }
            previousPHN = phn
            previousMRP = mrp
        }
        try pw.close()
        try aw.close()
        try iw.close()
        return (SampleDataSummary.File(path: patientPath, rows: patients, bytes: pw.bytesWritten),
                SampleDataSummary.File(path: visitPath, rows: visitRows, bytes: aw.bytesWritten),
                SampleDataSummary.File(path: importPath, rows: importRows, bytes: iw.bytesWritten),
                planted)
    }

    /// A day from 2023-01-01 (or `dob`, if later) to 2026-10-31.
    mutating func visitDay(notBefore dob: Int32) -> Int32 {
        let first = max(visitFirst, dob)
        return Int32(Int(first) + rng.below(Int(visitLast - first) + 1))
    }

    /// On or after the latest appointment up to 2026-10-31 (and not after that date), or a day in 2024 without one.
    mutating func confirmation(after visits: [Visit]) -> Int32 {
        var last: Int32 = .min
        for v in visits where v.day <= visitLast && v.day > last { last = v.day }
        if last == .min { return Int32(Int(lateDobFirst) + 60 + rng.below(365)) }
        return min(last + Int32(rng.below(45)), visitLast)
    }

    mutating func postalCode() -> String {
        let letters = Array("ABCEGHJKLMNPRSTVWXYZ")
        return "T\(rng.below(10))\(rng.pick(letters)) \(rng.below(10))\(rng.pick(letters))\(rng.below(10))"
    }

    func sortByDay(_ visits: inout [Visit]) {
        guard visits.count > 1 else { return }
        for i in 1..<visits.count {
            let v = visits[i]
            var j = i
            while j > 0 && visits[j - 1].day > v.day {
                visits[j] = visits[j - 1]
                j -= 1
            }
            visits[j] = v
        }
    }
}

/// `YYYY-MM-DD` text for every day of a range, precomputed.
private struct DateTable {
    let first: Int32
    let text: [UInt8]

    init(from: CivilDate, to: CivilDate) {
        first = from.daysSinceEpoch
        var t: [UInt8] = []
        t.reserveCapacity(Int(to.daysSinceEpoch - from.daysSinceEpoch + 1) * 10)
        for d in from.daysSinceEpoch...to.daysSinceEpoch { t += Array(CivilDate(daysSinceEpoch: d).description.utf8) }
        text = t
    }

    func write(_ day: Int32, to w: BufferedWriter) throws(SampleDataError) {
        let i = Int(day - first) * 10
        try text.withUnsafeBufferPointer { (b) throws(SampleDataError) in
            try w.bytes(UnsafeBufferPointer(rebasing: b[i..<(i + 10)]))
        }
    }
}
