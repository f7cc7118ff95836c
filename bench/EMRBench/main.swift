// A throwaway driver for bench/emr-load.sh: generates sample data and times EMRLoader.load.
import CPARCore
import CPAREMR
import CPARSampleData
import Foundation

let args = CommandLine.arguments
func usage() -> Never {
    FileHandle.standardError.write("usage: emr-bench gen DIR PATIENTS PANELS SEED [APPOINTMENTS_PER_PATIENT] | load DIR [AS_OF] [THREADS] [RUNS]\n".data(using: .utf8)!)
    exit(2)
}
guard args.count >= 3 else { usage() }
switch args[1] {
case "gen":
    guard args.count >= 6, let n = Int(args[3]), let p = Int(args[4]), let seed = UInt64(args[5]) else { usage() }
    let perPatient = args.count > 6 ? Int(args[6])! : 10
    let start = Date()
    let summary = try SampleData.generate(outDir: args[2], patients: n, panels: p, seed: seed,
                                          appointmentsPerPatient: perPatient)
    print(summary)
    print(String(format: "generated in %.2f s", Date().timeIntervalSince(start)))
case "load":
    let asOf = args.count > 3 ? CivilDate(iso: args[3])! : CivilDate(year: 2026, month: 10, day: 31)!
    let threads = args.count > 4 ? Int(args[4])! : 2
    let runs = args.count > 5 ? Int(args[5])! : 1
    for _ in 0..<runs {
        let snapshot = try EMRLoader.load(dataDir: args[2], asOf: asOf, threads: threads)
        let s = snapshot.statistics
        let withVisit = snapshot.lastVisitDays.reduce(0) { $0 + ($1 == .min ? 0 : 1) }
        print(String(format: "load: %.3f s (patients %.3f, index %.3f, appointments %.3f) %.0f MB/s; "
                     + "%d patients, %d appointments, %d with a visit, %d issues",
                     s.totalSeconds, s.patientsSeconds, s.indexSeconds, s.appointmentsSeconds,
                     Double(s.bytes) / 1e6 / s.totalSeconds, s.patientRows, s.appointmentRows, withVisit,
                     snapshot.issueCount))
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        print(status.split(separator: "\n").filter { $0.hasPrefix("VmHWM") || $0.hasPrefix("VmRSS") }.joined(separator: "  "),
              "PatientRecord stride", MemoryLayout<PatientRecord>.stride)
    }
case "parse":
    // Single-threaded parse of one file with a trivial consumer: the reader's raw speed.
    let start = Date()
    let reader = try CSVReader(path: args[2])
    var fields = 0, bytes = 0
    try reader.forEachRecord { r in
        fields += r.fieldCount
        bytes += r[1].count
    }
    let seconds = Date().timeIntervalSince(start)
    let size = (try FileManager.default.attributesOfItem(atPath: args[2])[.size] as? NSNumber)?.intValue ?? 0
    print(String(format: "parse: %.3f s, %.0f MB/s, %d fields %d", seconds, Double(size) / 1e6 / seconds, fields, bytes))
default:
    usage()
}
