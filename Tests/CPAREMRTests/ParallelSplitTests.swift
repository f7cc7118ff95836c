import CPARCore
import CPAREMR
import CPARTestSupport
import Foundation
import Testing

/// The parallel reader splits files into byte ranges speculatively; whatever the split, the result must be the
/// one a single worker gives.
@Suite("Parallel split")
struct ParallelSplitTests {
    /// Patients whose names hold quoted newlines, one of them hiding a fake patient row.
    static let patients = patientHeader
        + "P1,111111111,Lee,\"Mary\nAnne\",1980-01-01,F,active,PR1\n"
        + "P2,222222222,Fake,\"x\nP9,1,F,G,1980-01-01,M,active,PR1\ny\",1981-01-01,M,active,PR1\n"
        + (3...12).map { "P\($0),\($0)00000000,Fam\($0),Giv,1970-01-0\($0 % 9 + 1),M,active,PR2\n" }.joined()
        + "P13,333,\"Long\n\n\nName\",1990-05-05,X,active,PR1\r\n"
        + "P14,444,Short\n"
        + "P15,555,Last,One,1991-01-01,F,inactive,PR2"

    /// Appointments with a note column whose quoted newlines hide fake rows that would change the last visits.
    static let appointments = "appointment_id,patient_id,provider_id,date,status,note\n"
        + "A1,P1,PR1,2026-01-01,completed,\"call back\nA90,P1,PR1,2026-10-30,completed,x\nA91,P3,PR1,2026-10-29,completed,\"\"\"\n"
        + (2...40).map { "A\($0),P\($0 % 15 + 1),PR1,2026-0\($0 % 9 + 1)-1\($0 % 10),"
                         + ($0 % 7 == 0 ? "cancelled" : "completed") + ",\($0 % 5 == 0 ? "\"a,\nb\"" : "ok")\n" }.joined()
        + "A41,P2,PR1,2026-02-30,completed,bad date\n"
        + "A42,P4,PR2,2026-10-01,completed,\"multi\n\nline\nA92,P4,PR1,2026-10-31,completed,x\n\"\n"
        + "A43,P5,PR1\n"
        + "A44,P6,PR1,2026-09-09,completed,\"unterminated\nA93,P6,PR1,2026-10-31,completed,x\n"

    struct Outcome: Equatable {
        var patients: [PatientRecord]
        var lastVisits: [Int32]
        var issues: [InputIssue]
        var issueCount: Int
        var index: [Int?]
        /// The facts the loader worked out while reading, and whether they are those of its records and visits.
        var facts: [PatientFacts]
        var factsMatchRecords: Bool
    }

    static func outcome(_ s: EMRSnapshot) -> Outcome {
        Outcome(patients: Array(s.patients), lastVisits: s.lastVisitDays, issues: s.issues, issueCount: s.issueCount,
                index: (1...16).map { s.patientIndex["P\($0)"] }, facts: s.facts,
                factsMatchRecords: s.facts == PatientFacts.table(s.patients, lastVisitDays: s.lastVisitDays))
    }

    /// The byte offset of the first occurrence of `needle` in `text`.
    static func offset(of needle: String, in text: String) -> Int {
        text.utf8.count - text[text.range(of: needle)!.lowerBound...].utf8.count
    }

    static func load(_ dir: TempDirectory, _ options: EMRLoadOptions) throws -> EMRSnapshot {
        try EMRLoader.load(dataDir: dir.path, asOf: day("2026-10-31"), options: options)
    }

    @Test func singleWorkerReference() throws {
        let dir = try emrDir(patients: Self.patients, appointments: Self.appointments)
        let s = try Self.load(dir, EMRLoadOptions(threads: 1))
        #expect(s.patients.map(\.patientID) == (1...15).map { "P\($0)" })
        #expect(s.patients[1].givenName == "x\nP9,1,F,G,1980-01-01,M,active,PR1\ny")
        #expect(s.patients.map(\.line)[0...3] == [2, 4, 7, 8])
        #expect(s.patientIndex["P9"] == 8)  // the real P9, not the fake one
        #expect(s.patients[8].familyName == "Fam9")
        #expect(s.lastVisit(ofPatientAt: 0) == day("2026-07-15"))  // not the fake A90 of 2026-10-30
        #expect(s.lastVisit(ofPatientAt: 3) == day("2026-10-01"))  // not the fake A92 of 2026-10-31
        // A44's quote is never closed: A44 is read as its line (and skipped), and reading resumes on the next line.
        #expect(s.issues.contains { $0.recordID == "A44" && $0.line == 59 })
        #expect(s.lastVisit(ofPatientAt: 5) == day("2026-10-31"))
        #expect(s.issues.contains { $0.recordID == "A41" && $0.field == "date" })
        #expect(s.issues.contains { $0.recordID == "A43" })
        #expect(s.issues.contains { $0.recordID == "P14" })
        #expect(s.statistics.discardedWorkers == 0)
    }

    @Test func quotedNewlineExactlyAtTheSplitPoint() throws {
        let dir = try emrDir(patients: Self.patients, appointments: Self.appointments)
        let reference = Self.outcome(try Self.load(dir, EMRLoadOptions(threads: 1)))
        #expect(reference.factsMatchRecords && reference.facts.count == reference.patients.count)
        // The newline inside the first quoted note ("call back⏎A90,…"): worker 2 would start on the fake row A90.
        let split = Self.offset(of: "call back", in: Self.appointments) + "call back".utf8.count
        #expect(Array(Self.appointments.utf8)[split] == 0x0A)
        let s = try Self.load(dir, EMRLoadOptions(splitOffsets: ["appointments.csv": [split]]))
        #expect(s.statistics.discardedWorkers == 1)
        #expect(Self.outcome(s) == reference)
        // The same in patients.csv: the newline inside P2's given name, before the fake P9 row.
        let psplit = Self.offset(of: "\"x", in: Self.patients) + 2
        #expect(Array(Self.patients.utf8)[psplit] == 0x0A)
        let p = try Self.load(dir, EMRLoadOptions(splitOffsets: ["patients.csv": [psplit]]))
        #expect(p.statistics.discardedWorkers == 1)
        #expect(Self.outcome(p) == reference)
    }

    @Test func everySplitOffsetGivesTheSingleWorkerResult() throws {
        let dir = try emrDir(patients: Self.patients, appointments: Self.appointments)
        let reference = Self.outcome(try Self.load(dir, EMRLoadOptions(threads: 1)))
        #expect(reference.factsMatchRecords && reference.facts.count == reference.patients.count)
        var discarded = 0
        for offset in 0...Self.appointments.utf8.count {
            let s = try Self.load(dir, EMRLoadOptions(bufferSize: 4096, maxRecordBytes: 2048,
                                                      splitOffsets: ["appointments.csv": [offset]]))
            discarded += s.statistics.discardedWorkers
            #expect(Self.outcome(s) == reference, "appointments.csv split at \(offset)")
        }
        for offset in 0...Self.patients.utf8.count {
            let s = try Self.load(dir, EMRLoadOptions(bufferSize: 4096, maxRecordBytes: 2048,
                                                      splitOffsets: ["patients.csv": [offset]]))
            discarded += s.statistics.discardedWorkers
            #expect(Self.outcome(s) == reference, "patients.csv split at \(offset)")
        }
        #expect(discarded > 10)  // the speculation was really tested
    }

    @Test func manyWorkersWithTinyBuffers() throws {
        let dir = try emrDir(patients: Self.patients, appointments: Self.appointments)
        let reference = Self.outcome(try Self.load(dir, EMRLoadOptions(threads: 1)))
        #expect(reference.factsMatchRecords && reference.facts.count == reference.patients.count)
        var seed: UInt64 = 42
        func next(_ bound: Int) -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) % bound }
        let aSize = Self.appointments.utf8.count, pSize = Self.patients.utf8.count
        for _ in 0..<150 {
            let a = (0..<(1 + next(5))).map { _ in next(aSize) }.sorted()
            let p = (0..<(1 + next(3))).map { _ in next(pSize) }.sorted()
            let s = try Self.load(dir, EMRLoadOptions(threads: 1 + next(4), bufferSize: 160, maxRecordBytes: 150,
                                                      splitOffsets: ["appointments.csv": a, "patients.csv": p]))
            #expect(Self.outcome(s) == reference, "splits \(a) \(p)")
        }
        for threads in 1...6 {
            let s = try Self.load(dir, EMRLoadOptions(threads: threads))
            #expect(Self.outcome(s) == reference, "\(threads) threads")
        }
    }
}

