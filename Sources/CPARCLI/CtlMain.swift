import Foundation
import CPARCore

/// `cparctl`: the operator and panel-administrator command line.
public enum CtlMain {
    struct Command: Sendable {
        let path: [String]
        let synopsis: String
        let spec: OptionSpec
        let run: @Sendable (Context) throws -> ExitStatus
    }

    static let asOf: Set<String> = ["as-of"]

    static let commands: [Command] = [
        Command(path: ["site", "set"], synopsis: "site set --name NAME --site-id ID",
                spec: OptionSpec(values: ["name", "site-id"]), run: SiteCommands.set),
        Command(path: ["site", "show"], synopsis: "site show", spec: OptionSpec(), run: SiteCommands.show),
        Command(path: ["panel", "add"], synopsis: PanelCommands.synopsis("panel add"),
                spec: PanelCommands.spec(positional: false), run: PanelCommands.add),
        Command(path: ["panel", "edit"], synopsis: PanelCommands.synopsis("panel edit P"),
                spec: PanelCommands.spec(positional: true), run: PanelCommands.edit),
        Command(path: ["panel", "delete"], synopsis: "panel delete P", spec: OptionSpec(positionals: 1...1),
                run: PanelCommands.delete),
        Command(path: ["panel", "list"], synopsis: "panel list", spec: OptionSpec(flags: ["json"]),
                run: PanelCommands.list),
        Command(path: ["panel", "show"], synopsis: "panel show P", spec: OptionSpec(flags: ["json"], positionals: 1...1),
                run: PanelCommands.show),
        Command(path: ["patient", "assign"], synopsis: "patient assign PATIENT_ID --panel P",
                spec: OptionSpec(values: ["panel"], positionals: 1...1), run: PatientCommands.assign),
        Command(path: ["patient", "remove"], synopsis: "patient remove PATIENT_ID",
                spec: OptionSpec(positionals: 1...1), run: PatientCommands.remove),
        Command(path: ["patient", "confirm"], synopsis: "patient confirm PATIENT_ID",
                spec: OptionSpec(positionals: 1...1), run: PatientCommands.confirm),
        Command(path: ["bulk", "assign"], synopsis: "bulk assign --provider MRP --panel P",
                spec: OptionSpec(values: ["provider", "panel", "as-of"]), run: BulkCommands.assign),
        Command(path: ["bulk", "move"], synopsis: "bulk move --from P --to Q",
                spec: OptionSpec(values: ["from", "to"]), run: BulkCommands.move),
        Command(path: ["bulk", "remove"], synopsis: "bulk remove --panel P",
                spec: OptionSpec(values: ["panel"]), run: BulkCommands.remove),
        Command(path: ["bulk", "import"], synopsis: "bulk import --csv FILE",
                spec: OptionSpec(values: ["csv"]), run: BulkCommands.importCSV),
        Command(path: ["export"], synopsis: "export --panel P --csv FILE [--as-of DATE]",
                spec: OptionSpec(values: ["panel", "csv", "as-of"]), run: ReportCommands.export),
        Command(path: ["validate"], synopsis: "validate [--panel P] [--as-of DATE] [--json]",
                spec: OptionSpec(values: ["panel", "as-of"], flags: ["json"]), run: ReportCommands.validate),
        Command(path: ["extract"], synopsis: "extract --panel P --out FILE.xml | --all --out-dir DIR [--as-of DATE]",
                spec: OptionSpec(values: ["panel", "out", "out-dir", "as-of"], flags: ["all", "check"]),
                run: ExtractCommand.run),
        Command(path: ["sample-data"], synopsis: "sample-data --out DIR [--patients N] [--panels P] [--seed S]",
                spec: OptionSpec(values: ["out", "patients", "panels", "seed", "appointments"]),
                run: SampleDataCommand.run),
        Command(path: ["submit"], synopsis: "submit --panel P | --all [--scheduled --period YYYY-MM]",
                spec: OptionSpec(values: ["panel", "period", "reason", "requested-by"], flags: ["all", "scheduled"]),
                run: SubmitCommands.submit),
        Command(path: ["status"], synopsis: "status [--json]", spec: OptionSpec(flags: ["json"]),
                run: SubmitCommands.status),
        Command(path: ["history"], synopsis: "history [--panel P] [--json]",
                spec: OptionSpec(values: ["panel"], flags: ["json"]), run: SubmitCommands.history),
        Command(path: ["inbox"], synopsis: "inbox [--recipient R] [--json]",
                spec: OptionSpec(values: ["recipient"], flags: ["json"]), run: InboxCommand.run),
        Command(path: ["schedule"], synopsis: "schedule [--json]", spec: OptionSpec(flags: ["json"]),
                run: ScheduleCommand.run),
        // §14: CPAR reports, worklist, hygiene, audit (see CPARReportCommand, WorklistCommands, HygieneCommand,
        // AuditCommand).
        Command(path: ["cpar-report", "import"],
                synopsis: "cpar-report import --kind conflict|mismatch --csv FILE [--date YYYY-MM-DD] [--map FIELD=HEADER …]",
                spec: OptionSpec(values: ["kind", "csv", "date", "map"]), run: CPARReportCommand.importReport),
        Command(path: ["worklist"], synopsis: "worklist [--panel P] [--all] [--json]",
                spec: OptionSpec(values: ["panel"], flags: ["all", "json"]), run: WorklistCommands.list),
        Command(path: ["worklist", "resolve"],
                synopsis: "worklist resolve ID --outcome kept|removed|corrected|other [--note TEXT]",
                spec: OptionSpec(values: ["outcome", "note"], positionals: 1...1), run: WorklistCommands.resolve),
        Command(path: ["hygiene"], synopsis: "hygiene [--panel P] [--as-of DATE] [--json]",
                spec: OptionSpec(values: ["panel", "as-of"], flags: ["json"]), run: HygieneCommand.run),
        Command(path: ["audit"], synopsis: "audit [--panel P] [--patient ID] [--since DATE] [--json]",
                spec: OptionSpec(values: ["panel", "patient", "since"], flags: ["json"]), run: AuditCommand.run),
    ]

    public static var usage: String {
        "usage: cparctl COMMAND [options] [--config PATH]\n\ncommands:\n"
            + commands.map { "  " + $0.synopsis }.joined(separator: "\n")
    }

    /// Runs `cparctl` with `arguments` (without the program name) and returns the exit status.
    public static func run(_ arguments: [String]) -> Int32 {
        // A closed pipe (`| head`) must surface as a write error, not kill the process mid-transaction.
        signal(SIGPIPE, SIG_IGN)
        let arguments = commandFirst(arguments)
        if arguments.first == "--version" {
            print("cparctl (cpard) \(CPARVersion.string)")
            return ExitStatus.success.rawValue
        }
        if arguments.isEmpty || ["-h", "--help", "help"].contains(arguments[0]) {
            print(usage)
            return arguments.isEmpty ? ExitStatus.usage.rawValue : ExitStatus.success.rawValue
        }
        guard let command = commands
            .filter({ arguments.starts(with: $0.path) })
            .max(by: { $0.path.count < $1.path.count }) else {
            let known = Set(commands.map { $0.path[0] })
            let hint = known.contains(arguments[0]) && arguments.count > 1 ? "\(arguments[0]) \(arguments[1])" : arguments[0]
            FileHandle.standardError.write(Data("cparctl: unknown command '\(hint)'\n\(usage)\n".utf8))
            return ExitStatus.usage.rawValue
        }
        if arguments.contains("--help") || arguments.contains("-h") {
            print("usage: cparctl \(command.synopsis) [--config PATH]")
            return ExitStatus.success.rawValue
        }
        do {
            let args = try Arguments(arguments.dropFirst(command.path.count), spec: command.spec)
            return try command.run(Context(args: args, command: command.path.joined(separator: " "))).rawValue
        } catch let e as UsageError {
            report("\(e)\nusage: cparctl \(command.synopsis)")
            return ExitStatus.usage.rawValue
        } catch let e as ConfigError {
            report("configuration error: \(e)")
            return ExitStatus.usage.rawValue
        } catch {
            report("\(error)")
            return ExitStatus.problems.rawValue
        }
    }

    /// `--config PATH` may also come before the command (`cparctl --config F panel list`): move it after.
    static func commandFirst(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--config", rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--config=") {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        return Array(rest) + leading
    }

    static func report(_ message: String) {
        FileHandle.standardError.write(Data("cparctl: \(message)\n".utf8))
    }
}
