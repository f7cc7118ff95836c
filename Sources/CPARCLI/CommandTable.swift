/// Every `cparctl` command: its words, synopsis, one-line description, options, example, and handler. The help
/// system (`CommandHelp`) and the dispatcher (`CtlMain`) both read this one table. SPEC §4, §13, §14.
struct Command: Sendable {
    /// An option as help shows it: `--panel P` and what it does.
    struct Option: Sendable {
        var name: String
        var text: String
        init(_ name: String, _ text: String) { self.name = name; self.text = text }
    }

    let path: [String]
    let synopsis: String
    let summary: String
    let options: [Option]
    let example: String
    let spec: OptionSpec
    let run: @Sendable (Context) throws -> ExitStatus

    var name: String { path.joined(separator: " ") }
}

/// Command groups in the order help lists them.
struct CommandGroup: Sendable {
    let title: String
    let commands: [Command]
}

enum CommandTable {
    typealias O = Command.Option
    static let panelRef = "P is a CPAR panel number, or the panel's name when it has none."
    static let asOf = O("--as-of DATE", "the extract date YYYY-MM-DD (default: today in schedule.timezone)")
    static let json = O("--json", "print JSON instead of text")
    static let dryRun = O("--dry-run", "print what would change and change nothing")

    static let panelOptions = [
        O("--name NAME", "the panel's name (at most 255 characters)"),
        O("--number NUM", "the CPAR panel number (1–10 digits; required for a CPAR-enabled panel)"),
        O("--no-number", "remove the panel number"),
        O("--cpar | --no-cpar", "submit this panel to CPAR, or not (default: --cpar)"),
        O("--facility ID", "a facility ID (digits; repeat for several; shorter than 6 is zero-padded)"),
        O("--practitioner PROVIDER_ID", "an EMR provider_id (repeat for several; the practitioner ID comes from providers.csv)"),
        O("--notify ADDRESS", "who gets failure notices (an e-mail address)"),
        O("--no-notify", "send failure notices to no one"),
    ]

    /// Handler for the §14 commands until they are wired to their implementation.
    static let notWired: @Sendable (Context) throws -> ExitStatus = { _ in
        throw CommandFailure("this command is not available in this build")
    }

    static let groups: [CommandGroup] = [
        CommandGroup(title: "Site", commands: [
            Command(path: ["site", "set"], synopsis: "site set --name NAME --site-id ID",
                    summary: "Set the clinic's name and CPAR site ID (needed before any submission)",
                    options: [O("--name NAME", "the clinic's name as CPAR knows it"), O("--site-id ID", "the CPAR site ID")],
                    example: "cparctl site set --name 'Riverbend Family Medicine' --site-id 480123",
                    spec: OptionSpec(values: ["name", "site-id"]), run: SiteCommands.set),
            Command(path: ["site", "show"], synopsis: "site show", summary: "Show the clinic's name and site ID",
                    options: [], example: "cparctl site show", spec: OptionSpec(), run: SiteCommands.show),
        ]),
        CommandGroup(title: "Panels", commands: [
            Command(path: ["panel", "add"], synopsis: PanelCommands.synopsis("panel add"),
                    summary: "Add a panel: its name, CPAR number, facilities, practitioners and notice recipient",
                    options: panelOptions,
                    example: "cparctl panel add --name 'Dr. Ada Osler' --number 7000001013 --facility 123 --practitioner PR0001 --notify panels@clinic.example",
                    spec: PanelCommands.spec(positional: false), run: PanelCommands.add),
            Command(path: ["panel", "edit"], synopsis: "panel edit P [options of panel add]",
                    summary: "Change a panel's settings: only the options given change",
                    options: panelOptions, example: "cparctl panel edit 7000001013 --notify frontdesk@clinic.example",
                    spec: PanelCommands.spec(positional: true), run: PanelCommands.edit),
            Command(path: ["panel", "delete"], synopsis: "panel delete P",
                    summary: "Delete a panel that has no patients (move or remove them first)",
                    options: [], example: "cparctl panel delete 7000001013",
                    spec: OptionSpec(positionals: 1...1), run: PanelCommands.delete),
            Command(path: ["panel", "list"], synopsis: "panel list [--json]",
                    summary: "List the panels with their patients, facilities and practitioners",
                    options: [json], example: "cparctl panel list",
                    spec: OptionSpec(flags: ["json"]), run: PanelCommands.list),
            Command(path: ["panel", "show"], synopsis: "panel show P [--json]",
                    summary: "Show one panel's settings, patient count and the problems that stop it being sent",
                    options: [json], example: "cparctl panel show 7000001013",
                    spec: OptionSpec(flags: ["json"], positionals: 1...1), run: PanelCommands.show),
        ]),
        CommandGroup(title: "Patients", commands: [
            Command(path: ["patient", "assign"], synopsis: "patient assign PATIENT_ID --panel P",
                    summary: "Put a patient on a panel, confirmed today (the ID must be in patients.csv)",
                    options: [O("--panel P", "the panel")], example: "cparctl patient assign P0000010 --panel 7000001013",
                    spec: OptionSpec(values: ["panel"], positionals: 1...1), run: PatientCommands.assign),
            Command(path: ["patient", "remove"], synopsis: "patient remove PATIENT_ID",
                    summary: "Take a patient off their panel", options: [], example: "cparctl patient remove P0000010",
                    spec: OptionSpec(positionals: 1...1), run: PatientCommands.remove),
            Command(path: ["patient", "confirm"], synopsis: "patient confirm PATIENT_ID",
                    summary: "Record that the patient confirmed their provider today", options: [],
                    example: "cparctl patient confirm P0000010",
                    spec: OptionSpec(positionals: 1...1), run: PatientCommands.confirm),
            Command(path: ["patient", "show"], synopsis: "patient show PATIENT_ID [--as-of DATE] [--json]",
                    summary: "Show a patient's panel, confirmation, last visit, why excluded, open items and history",
                    options: [asOf, json], example: "cparctl patient show P0000010",
                    spec: OptionSpec(values: ["as-of"], flags: ["json"], positionals: 1...1), run: PatientCommands.show),
        ]),
        CommandGroup(title: "Bulk changes", commands: [
            Command(path: ["bulk", "assign"], synopsis: "bulk assign --provider MRP --panel P [--move] [--dry-run]",
                    summary: "Put every active patient of an MRP on a panel (confirmation date = last visit)",
                    options: [O("--provider MRP", "the EMR provider_id in patients.csv's mrp_provider_id"),
                              O("--panel P", "the panel they join"),
                              O("--move", "also move patients that are on another panel (default: leave them there)"),
                              dryRun, asOf],
                    example: "cparctl bulk assign --provider PR0003 --panel 7000005065 --dry-run",
                    spec: OptionSpec(values: ["provider", "panel", "as-of"], flags: ["move", "dry-run"]),
                    run: BulkCommands.assign),
            Command(path: ["bulk", "move"], synopsis: "bulk move --from P --to Q [--dry-run]",
                    summary: "Move every patient of one panel to another, keeping confirmation dates",
                    options: [O("--from P", "the panel they leave"), O("--to Q", "the panel they join"), dryRun],
                    example: "cparctl bulk move --from 7000001013 --to 7000005065",
                    spec: OptionSpec(values: ["from", "to"], flags: ["dry-run"]), run: BulkCommands.move),
            Command(path: ["bulk", "remove"], synopsis: "bulk remove --panel P [--dry-run]",
                    summary: "Take every patient off a panel", options: [O("--panel P", "the panel"), dryRun],
                    example: "cparctl bulk remove --panel 7000001013 --dry-run",
                    spec: OptionSpec(values: ["panel"], flags: ["dry-run"]), run: BulkCommands.remove),
            Command(path: ["bulk", "import"], synopsis: "bulk import --csv FILE [--dry-run]",
                    summary: "Take panel memberships from a CSV (patient_id,panel,confirmation_date)",
                    options: [O("--csv FILE", "the file; an empty confirmation_date is allowed"), dryRun],
                    example: "cparctl bulk import --csv panel-import.csv",
                    spec: OptionSpec(values: ["csv"], flags: ["dry-run"]), run: BulkCommands.importCSV),
        ]),
        CommandGroup(title: "Checking and reports", commands: [
            Command(path: ["validate"], synopsis: "validate [--panel P] [--as-of DATE] [--json]",
                    summary: "Check every patient as the monthly extract would: who is excluded, why, what to fix",
                    options: [O("--panel P", "one panel (default: every CPAR-enabled panel)"), asOf, json],
                    example: "cparctl validate --panel 7000001013",
                    spec: OptionSpec(values: ["panel", "as-of"], flags: ["json"]), run: ReportCommands.validate),
            Command(path: ["export"], synopsis: "export --panel P --csv FILE [--as-of DATE]",
                    summary: "Write a panel's patients with demographics, last visit and validity to a CSV (mode 0600)",
                    options: [O("--panel P", "the panel"), O("--csv FILE", "the file to write"), asOf],
                    example: "cparctl export --panel 7000001013 --csv /tmp/panel.csv",
                    spec: OptionSpec(values: ["panel", "csv", "as-of"]), run: ReportCommands.export),
            Command(path: ["extract"], synopsis: "extract --panel P --out FILE.xml | --all --out-dir DIR [--as-of DATE] [--check]",
                    summary: "Build the submission XML without sending it (a dry run of the month)",
                    options: [O("--panel P", "one panel"), O("--out FILE.xml", "where to write that panel's payload"),
                              O("--all", "every CPAR-enabled panel"), O("--out-dir DIR", "where to write one payload per panel"),
                              asOf, O("--check", "also check each payload against the shipped XSD")],
                    example: "cparctl extract --all --out-dir /tmp/extract --check",
                    spec: OptionSpec(values: ["panel", "out", "out-dir", "as-of"], flags: ["all", "check"]),
                    run: ExtractCommand.run),
            Command(path: ["report"], synopsis: "report --html FILE [--as-of DATE]",
                    summary: "Write the panel report as one HTML file to open in a browser (mode 0640)",
                    options: [O("--html FILE", "the file to write"), asOf],
                    example: "cparctl report --html /srv/cpard/report.html",
                    spec: OptionSpec(values: ["html", "as-of"]), run: HTMLReportCommand.run),
            Command(path: ["sample-data"], synopsis: "sample-data --out DIR [--patients N] [--panels P] [--seed S]",
                    summary: "Write a realistic synthetic EMR export (with every kind of invalid patient) for trying cpard",
                    options: [O("--out DIR", "where to write the CSV files"), O("--patients N", "how many patients (default 2000)"),
                              O("--panels P", "how many panels (default 4)"), O("--seed S", "the random seed (default 1; same seed, same data)"),
                              O("--appointments N", "appointments per patient (default 10)")],
                    example: "cparctl sample-data --out /tmp/emr --patients 2000 --panels 4 --seed 7",
                    spec: OptionSpec(values: ["out", "patients", "panels", "seed", "appointments"]),
                    run: SampleDataCommand.run),
        ]),
        CommandGroup(title: "Submissions", commands: [
            Command(path: ["submit"], synopsis: "submit --panel P | --all [--scheduled --period YYYY-MM] [--reason TEXT]",
                    summary: "Queue a panel (or all) for submission; cpard sends it",
                    options: [O("--panel P", "one panel"), O("--all", "every CPAR-enabled panel"),
                              O("--scheduled", "the monthly run (once per panel and period; the timer uses it)"),
                              O("--period YYYY-MM", "the month of a scheduled run (default: this month)"),
                              O("--reason TEXT", "why, kept in the history"),
                              O("--requested-by NAME", "who asked (default: your user name)")],
                    example: "cparctl submit --panel 7000001013 --reason 'fixed PHNs'",
                    spec: OptionSpec(values: ["panel", "period", "reason", "requested-by"], flags: ["all", "scheduled"]),
                    run: SubmitCommands.submit),
            Command(path: ["status"], synopsis: "status [--json]",
                    summary: "Each panel's latest submission: status, created, patients, next attempt, error",
                    options: [json], example: "cparctl status", spec: OptionSpec(flags: ["json"]),
                    run: SubmitCommands.status),
            Command(path: ["history"], synopsis: "history [--panel P] [--json]",
                    summary: "Every submission: trigger, who asked, created, delivered, patients, attempts, status",
                    options: [O("--panel P", "one panel (a deleted panel's too)"), json],
                    example: "cparctl history --panel 7000001013",
                    spec: OptionSpec(values: ["panel"], flags: ["json"]), run: SubmitCommands.history),
            Command(path: ["inbox"], synopsis: "inbox [--recipient R] [--json]",
                    summary: "The failure notices delivered to the Maildir",
                    options: [O("--recipient R", "one recipient's notices"), json], example: "cparctl inbox",
                    spec: OptionSpec(values: ["recipient"], flags: ["json"]), run: InboxCommand.run),
            Command(path: ["schedule"], synopsis: "schedule [--json]",
                    summary: "The next automatic monthly run and the blackout window", options: [json],
                    example: "cparctl schedule", spec: OptionSpec(flags: ["json"]), run: ScheduleCommand.run),
        ]),
        // SPEC §14. Handlers are wired where the worklist, hygiene and audit are implemented.
        CommandGroup(title: "After the upload: CPAR reports, worklist, hygiene, audit", commands: [
            Command(path: ["cpar-report", "import"],
                    synopsis: "cpar-report import --kind conflict|mismatch --csv FILE [--date YYYY-MM-DD] [--map FIELD=HEADER …]",
                    summary: "Import CPAR's Conflict or Demographic Mismatch report into the worklist",
                    options: [O("--kind conflict|mismatch", "which report the file is"),
                              O("--csv FILE", "the CSV downloaded from the CPAR portal"),
                              O("--date YYYY-MM-DD", "the report's date (default: today)"),
                              O("--map FIELD=HEADER", "read FIELD from column HEADER (repeatable)")],
                    example: "cparctl cpar-report import --kind conflict --csv ~/Downloads/conflicts.csv",
                    spec: OptionSpec(values: ["kind", "csv", "date", "map"]), run: notWired),
            Command(path: ["worklist"], synopsis: "worklist [--panel P] [--all] [--json]",
                    summary: "Open worklist items: conflicts and demographic mismatches to resolve",
                    options: [O("--panel P", "one panel"), O("--all", "closed items too"), json],
                    example: "cparctl worklist --panel 7000001013",
                    spec: OptionSpec(values: ["panel"], flags: ["all", "json"]), run: notWired),
            Command(path: ["worklist", "resolve"],
                    synopsis: "worklist resolve ID --outcome kept|removed|corrected|other [--note TEXT]",
                    summary: "Close a worklist item (removed also takes the patient off its panel)",
                    options: [O("--outcome kept|removed|corrected|other", "what was done"), O("--note TEXT", "a note")],
                    example: "cparctl worklist resolve 12 --outcome corrected --note 'DOB fixed in the EMR'",
                    spec: OptionSpec(values: ["outcome", "note"], positionals: 1...1), run: notWired),
            Command(path: ["hygiene"], synopsis: "hygiene [--panel P] [--as-of DATE] [--json]",
                    summary: "Panel hygiene: confirmation rate, stale confirmations, patients not seen, open items",
                    options: [O("--panel P", "one panel"), asOf, json], example: "cparctl hygiene",
                    spec: OptionSpec(values: ["panel", "as-of"], flags: ["json"]), run: notWired),
            Command(path: ["audit"], synopsis: "audit [--panel P] [--patient ID] [--since DATE] [--json]",
                    summary: "Every membership change: when, who, which command, before and after",
                    options: [O("--panel P", "changes touching one panel"), O("--patient ID", "one patient's changes"),
                              O("--since DATE", "changes on or after DATE"), json],
                    example: "cparctl audit --patient P0000010",
                    spec: OptionSpec(values: ["panel", "patient", "since"], flags: ["json"]), run: notWired),
        ]),
    ]

    static var commands: [Command] { groups.flatMap(\.commands) }
}
