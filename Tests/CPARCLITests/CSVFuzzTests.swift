import CPARTestSupport
import Foundation
import Testing

/// Issue 8, SPEC §15: a seeded, deterministic fuzz of the three EMR files through the real `cparctl`. Each of 320
/// mutants (bytes deleted, inserted — quotes, separators, line ends, NUL, controls, invalid UTF-8, a BOM — lines
/// duplicated or cut, a file truncated) must end without a signal and within a deadline, exit 0 or 1, and every
/// problem it reports must name its file (and, for a row, its line). Every fifth mutant is also extracted.
@Suite("CSV fuzz against the real binaries", .serialized)
struct CSVFuzzTests {
    static let mutants = 320

    /// SplitMix64: the same mutants on every run and machine.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let pieces: [[UInt8]] = [
        [0x2C], [0x22], [0x22, 0x22], [0x0A], [0x0D], [0x0D, 0x0A], [0x00], [0x01], [0x1B], [0x7F], [0xFF], [0xC3],
        [0xE2, 0x82], [0xEF, 0xBB, 0xBF], [0xEF, 0xBF, 0xBE], Array("9999-99-99".utf8), Array("-".utf8),
        Array(String(repeating: "x", count: 300).utf8), Array(",,,,,,,,,,".utf8), Array("\"a\nb\"".utf8),
    ]

    static func mutate(_ bytes: [UInt8], _ random: inout Random) -> [UInt8] {
        var b = bytes
        for _ in 0..<(1 + random.below(4)) {
            let at = random.below(b.count + 1)
            switch random.below(6) {
            case 0: if !b.isEmpty { b.remove(at: min(at, b.count - 1)) }
            case 1, 2: b.insert(contentsOf: pieces[random.below(pieces.count)], at: at)
            case 3:   // duplicate a line
                let lines = b.split(separator: 0x0A, omittingEmptySubsequences: false)
                let line = lines[random.below(lines.count)]
                b.insert(contentsOf: Array(line) + [0x0A], at: at)
            case 4: b.removeSubrange(at..<min(b.count, at + random.below(40)))   // cut a piece
            default: b = Array(b.prefix(at))                                      // truncate the file
            }
        }
        return b
    }

    @Test func seededMutantsOfTheEMRFilesNeverCrashHangOrLoseTheirFileAndLine() throws {
        let h = try Harness()
        defer { h.cleanup() }
        try h.writeBasicEMR()
        try h.ctl("site", "set", "--name", "Test Clinic", "--site-id", "S1")
        try h.ctl("panel", "add", "--name", "Osler", "--number", "1001", "--facility", "123456", "--practitioner", "DR1")
        for p in ["P1", "P2"] { try h.ctl("patient", "assign", p, "--panel", "1001") }
        let files = ["providers.csv", "patients.csv", "appointments.csv"]
        let emr = h.dir.appendingPathComponent("emr")
        let originals = try files.map { try [UInt8](Data(contentsOf: emr.appendingPathComponent($0))) }
        var random = Random(state: 20_261_201)
        var statuses: [Int32: Int] = [:]
        var reported = 0
        let runner = HostileSystemTests()
        for n in 0..<Self.mutants {
            let k = random.below(files.count)
            let mutant = Self.mutate(originals[k], &random)
            for (i, name) in files.enumerated() {
                try Data(i == k ? mutant : originals[i]).write(to: emr.appendingPathComponent(name))
            }
            let label = "mutant \(n) of \(files[k])"
            let r = try runner.runWithDeadline(h, "cparctl", ["validate", "--json", "--as-of", "2026-11-15",
                                                              "--config", h.config], seconds: 60)
            #expect(!r.signalled, "\(label): ended by a signal: \(r.log)")
            #expect(r.status == 0 || r.status == 1, "\(label): exit \(r.status): \(r.log)")
            statuses[r.status, default: 0] += 1
            let lines = r.log.split(separator: "\n", omittingEmptySubsequences: false)
            let errors = lines.filter { $0.hasPrefix("cparctl:") }
            for e in errors {
                #expect(files.contains { e.contains($0) }, "\(label): an error naming no file: \(e)")
            }
            let json = lines.filter { !$0.hasPrefix("cparctl:") }.joined(separator: "\n")
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            #expect(object != nil || !errors.isEmpty, "\(label): neither JSON nor an error: \(r.log)")
            for problem in object?["input_problems"] as? [[String: Any]] ?? [] {
                reported += 1
                #expect(files.contains(problem["file"] as? String ?? ""), "\(label): \(problem)")
                #expect((problem["line"] as? Int ?? 0) >= 1, "\(label): \(problem)")
            }
            if n % 5 == 0 {
                let out = h.dir.appendingPathComponent("extract").path
                let x = try runner.runWithDeadline(h, "cparctl", ["extract", "--all", "--out-dir", out, "--as-of",
                                                                  "2026-11-15", "--config", h.config], seconds: 60)
                #expect(!x.signalled && (x.status == 0 || x.status == 1), "\(label): extract exit \(x.status): \(x.log)")
                for e in x.log.split(separator: "\n") where e.hasPrefix("cparctl:") {
                    #expect(files.contains { e.contains($0) }, "\(label): an extract error naming no file: \(e)")
                }
            }
        }
        // The fuzz reaches both outcomes and real input problems, so it tests something.
        #expect((statuses[1] ?? 0) > 0 && reported > Self.mutants / 2, "\(statuses), \(reported) problems")
    }
}
