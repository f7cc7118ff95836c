import CPARCore
import CPAREMR
import CPARTestSupport
import Foundation
import Testing

/// What a `CSVReader` pass yields, copied out of the callback.
struct ReadRecord: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    var problem: CSVRecordProblem?
    var description: String { "\(line): \(fields) \(problem.map { "\($0)" } ?? "")" }
}

/// Reads every record of a CSV file, fields untrimmed.
func readAll(_ path: String, bufferSize: Int = 1 << 20, maxRecordBytes: Int = 256 << 10) throws -> (header: [String], records: [ReadRecord]) {
    let reader = try CSVReader(path: path, bufferSize: bufferSize, maxRecordBytes: maxRecordBytes)
    var records: [ReadRecord] = []
    try reader.forEachRecord { r in
        records.append(ReadRecord(line: r.line,
                                  fields: (0..<r.fieldCount).map { String(decoding: r[$0], as: UTF8.self) },
                                  problem: r.problem))
    }
    return (reader.header, records)
}

let asOfDefault = CivilDate(year: 2026, month: 10, day: 31)!

func day(_ iso: String) -> CivilDate { CivilDate(iso: iso)! }

/// A data directory with the three EMR files; defaults are minimal valid files.
func emrDir(providers: String = "provider_id,family_name,given_name,practitioner_id\nPR1,Lee,Ann,123456\nPR2,Kaur,Raj,\n",
            patients: String,
            appointments: String = "appointment_id,patient_id,provider_id,date,status\n") throws -> TempDirectory {
    let dir = try TempDirectory()
    try dir.write("providers.csv", providers)
    try dir.write("patients.csv", patients)
    try dir.write("appointments.csv", appointments)
    return dir
}

let patientHeader = "patient_id,phn,family_name,given_name,dob,gender,status,mrp_provider_id\n"
