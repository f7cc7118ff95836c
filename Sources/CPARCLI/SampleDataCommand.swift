import CPARSampleData

/// `sample-data --out DIR [--patients N] [--panels P] [--seed S]`.
enum SampleDataCommand {
    static func run(_ ctx: Context) throws -> ExitStatus {
        let out = try ctx.args.required("out")
        let patients = try ctx.args.int("patients", default: 2000, range: 1...50_000_000)
        let panels = try ctx.args.int("panels", default: 4, range: 1...10_000)
        let seed = try ctx.args.int("seed", default: 1, range: 0...Int.max)
        let perPatient = try ctx.args.int("appointments", default: 10, range: 0...1000)
        let summary = try SampleData.generate(outDir: out, patients: patients, panels: panels, seed: UInt64(seed),
                                              appointmentsPerPatient: perPatient)
        ctx.out("\(summary)")
        let config = (try? ctx.args.value("config")) ?? nil
        ctx.out("next: sh \(out)/setup-panels.sh --config \(config ?? "CONFIG") (site, panels and bulk import)")
        return .success
    }
}
