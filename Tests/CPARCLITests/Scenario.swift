import CPARTestSupport
import Foundation

/// The common end-to-end scenario: the basic EMR, site S1, panel 1001 (DR1, notifying ops@clinic.example) with
/// some patients on it, and the registry simulator over mutual TLS (checking payloads against the XSD) with the
/// given faults.
extension Harness {
    static func submittable(faults: [String: Any] = [:], extra: String = "",
                            patients: [String] = ["P1", "P2"]) throws -> (Harness, RegistrySimulator) {
        let h = try Harness()
        let sim = try RegistrySimulator(in: h.scratch, checkSchema: true)
        try sim.setFaults(faults)
        try h.writeConfig(Harness.merge(sim.configLines + "\nnotify.maildir = maildir", extra))
        try h.writeBasicEMR()
        try h.ctl("site", "set", "--name", "Test Clinic", "--site-id", "S1")
        try h.ctl("panel", "add", "--name", "Osler", "--number", "1001", "--facility", "123", "--practitioner", "DR1",
                  "--notify", "ops@clinic.example")
        for p in patients { try h.ctl("patient", "assign", p, "--panel", "1001") }
        return (h, sim)
    }

    /// Config lines with `overrides` replacing lines of the same key (a key may be set only once).
    static func merge(_ base: String, _ overrides: String) -> String {
        func key(_ line: Substring) -> Substring { line.split(separator: "=").first.map { $0.trimmingCharacters(in: .whitespaces)[...] } ?? "" }
        let replaced = Set(overrides.split(separator: "\n").map(key))
        return (base.split(separator: "\n").filter { !replaced.contains(key($0)) } + overrides.split(separator: "\n"))
            .joined(separator: "\n") + "\n"
    }

    /// `cparctl status --json`: the first panel's entry.
    func panelStatus() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(try ctl("status", "--json").stdout.utf8)) as? [String: Any]
        return ((object?["panels"] as? [[String: Any]])?.first) ?? [:]
    }

    /// `cparctl history --json`: the submissions, newest first.
    func history() throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(try ctl("history", "--json").stdout.utf8)) as? [String: Any]
        return object?["submissions"] as? [[String: Any]] ?? []
    }

    /// `cparctl inbox --json`: the messages.
    func inbox() throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(try ctl("inbox", "--json").stdout.utf8)) as? [String: Any]
        return object?["messages"] as? [[String: Any]] ?? []
    }

    @discardableResult
    func once(environment: [String: String] = [:]) throws -> Output {
        try run("cpard", ["--once", "--config", config], environment: environment)
    }

    /// `cpard --once` as if `seconds` later (`CPARD_CLOCK_OFFSET`): what a later pass does, without sleeping.
    @discardableResult
    func once(later seconds: Int) throws -> Output {
        try once(environment: ["CPARD_CLOCK_OFFSET": String(seconds)])
    }
}
