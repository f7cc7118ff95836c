import CPARTestSupport
import Foundation
import Testing

/// Runs the built `cparctl` / `cpard` binaries against a scratch directory with its own config.
struct Harness {
    let scratch: TempDirectory
    var dir: URL { scratch.url }
    var config: String { dir.appendingPathComponent("cpard.conf").path }
    var emr: URL { dir.appendingPathComponent("emr") }

    typealias Output = Subprocess.Output

    static let binDir: URL = {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          PackageRoot.url.appendingPathComponent(".build/debug")]
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.appendingPathComponent("cparctl").path) {
            return c
        }
        return candidates[1]
    }()

    init(extraConfig: String = "") throws {
        scratch = try TempDirectory("cpard-cli")
        try FileManager.default.createDirectory(at: emr, withIntermediateDirectories: true)
        try writeConfig(extraConfig)
    }

    /// The base configuration (blackout off, so tests run on any day) with `extra` lines replacing keys it sets.
    func writeConfig(_ extra: String) throws {
        let base = """
            emr.data_dir = emr
            state.dir = state
            spool.dir = spool
            schedule.timezone = America/Edmonton
            blackout.enabled = false
            """
        try Harness.merge(base, extra).write(toFile: config, atomically: true, encoding: .utf8)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: emr.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func cleanup() { scratch.remove() }

    @discardableResult
    func ctl(_ args: String..., config: Bool = true) throws -> Output {
        try run("cparctl", args + (config ? ["--config", self.config] : []))
    }

    @discardableResult
    func run(_ tool: String, _ args: [String], environment: [String: String] = [:]) throws -> Output {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "JOURNAL_STREAM")
        env.removeValue(forKey: "NOTIFY_SOCKET")
        for (k, v) in environment { env[k] = v }
        let executable = tool.hasPrefix("/") ? tool : Harness.binDir.appendingPathComponent(tool).path
        return try Subprocess.run(executable, args, environment: env,
                                  currentDirectory: dir.path)
    }

    /// A small EMR export: one provider with a practitioner ID, one without; patients covering the rules.
    func writeBasicEMR() throws {
        try write("providers.csv", """
            provider_id,family_name,given_name,practitioner_id
            DR1,Osler,William,123456
            DR2,Banting,Frederick,
            """)
        try write("patients.csv", """
            patient_id,phn,family_name,given_name,dob,gender,status,mrp_provider_id
            P1,123456782,Zed-Family,Alpha,1970-01-02,F,active,DR1
            P2,223456783,Young,Beta,1980-03-04,M,Active,DR1
            P3,323456784,Old,Gamma,1990-05-06,X,inactive,DR1
            P4,,Nophn,Delta,1960-07-08,F,active,DR2
            """)
        try write("appointments.csv", """
            appointment_id,patient_id,provider_id,date,status
            A1,P1,DR1,2024-01-10,completed
            A2,P1,DR2,2025-02-11,completed
            A3,P1,DR1,2025-06-01,cancelled
            A4,P2,DR1,2023-09-09,booked
            A5,P3,DR1,2024-04-04,completed
            A6,P4,DR2,2024-05-05,No Show
            """)
    }
}
