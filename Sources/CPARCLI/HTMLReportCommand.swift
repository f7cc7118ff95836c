import CPARService

/// `report --html FILE [--as-of DATE]`: the panel report as one HTML file (SPEC §13).
enum HTMLReportCommand {
    static func run(_ ctx: Context) throws -> ExitStatus {
        let path = try ctx.args.required("html")
        let config = try ctx.config()
        try HTMLReportBuilder.write(config: config, store: ctx.store(), asOf: ctx.asOf(), to: path)
        ctx.out("report written to \(path) (mode 0640; open it in a browser)")
        return .success
    }
}
