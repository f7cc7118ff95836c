import CPARCore
import CPARStore
import CPARTestSupport
import Foundation
import Testing

/// Runs `body` with a store on a fresh database file.
@discardableResult
func withStore<T>(_ body: (StateStore) throws -> T) throws -> T {
    try withTempDirectory { dir in
        let store = try StateStore(path: dir + "/cpard.sqlite")
        return try body(store)
    }
}

/// Runs SQL through the sqlite3 command-line shell (a separate process) and returns its trimmed output.
func sqliteShell(_ path: String, _ sql: String) throws -> String {
    let result = try Subprocess.run("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", path, sql])
    #expect(result.status == 0, "sqlite3 failed on: \(sql)")
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

func posixMode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return try #require(attributes[.posixPermissions] as? Int)
}

func date(_ text: String) -> CivilDate { CivilDate(iso: text)! }

func period(_ text: String) -> Period { Period(text)! }

func makePanel(_ name: String, number: String? = nil, facilities: [String] = ["1234"],
               practitioners: [String] = ["P1"], notify: String? = nil) -> Panel {
    Panel(name: name, number: number, cparEnabled: number != nil, facilityIDs: facilities,
          practitionerIDs: practitioners, notify: notify)
}

func makeSubmission(_ id: String, panel: Panel, period text: String = "2025-03", trigger: SubmissionTrigger = .manual,
                    status: SubmissionStatus = .queued, created: Int64 = 1_000, nextAttempt: Int64? = nil) -> Submission {
    Submission(id: id, panelID: panel.id, panelLabel: panel.label, period: period(text), trigger: trigger,
               status: status, created: created, nextAttempt: nextAttempt)
}

struct Boom: Error, Equatable {}
