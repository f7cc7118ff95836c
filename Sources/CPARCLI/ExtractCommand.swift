import Foundation
import CPARCore
import CPARPayload
import CPARService

/// `extract --panel P --out FILE.xml` and `extract --all --out-dir DIR`: build payloads without sending them.
enum ExtractCommand {
    struct Written: Sendable {
        var report: PanelReport
        var path: String?
        var sha256: String?
        var schemaErrors: [String]
    }

    static func run(_ ctx: Context) throws -> ExitStatus {
        let config = try ctx.config()
        let all = ctx.args.has("all")
        let targets: [(Panel, String)]
        if all {
            guard try ctx.args.value("panel") == nil, try ctx.args.value("out") == nil else {
                throw UsageError("--all goes with --out-dir, not --panel or --out")
            }
            let dir = try ctx.args.required("out-dir")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            targets = try ctx.store().panels().filter(\.cparEnabled).map { ($0, dir + "/" + fileName(for: $0)) }
        } else {
            guard try ctx.args.value("out-dir") == nil else { throw UsageError("--out-dir goes with --all") }
            targets = [(try ctx.panel(try ctx.args.required("panel")), try ctx.args.required("out"))]
        }
        let asOf = try ctx.asOf()
        let source = try ExtractSource.load(config: config, store: ctx.store(), asOf: asOf)
        let created = Int64(Date().timeIntervalSince1970)
        let check = ctx.args.has("check")
        let paths = Dictionary(uniqueKeysWithValues: targets.map { ($0.0.id, $0.1) })
        // Two panels in flight a core: a thread that waits (for its share of the member budget, or while the
        // kernel holds back its writes until dirty pages reach the disk) leaves its core to another.
        let writers = 2 * ProcessInfo.processInfo.activeProcessorCount
        let results = source.forEach(targets.map(\.0), policy: config.validation, threads: writers) { extract -> Written in
            let report = PanelReport(extract)
            guard extract.isSubmittable, let path = paths[extract.panel.id] else {
                return Written(report: report, path: nil, sha256: nil, schemaErrors: [])
            }
            let header = PayloadHeader(submissionID: UUID().uuidString.lowercased(), period: Period(containing: asOf),
                                       created: created)
            let written = try PayloadWriter.write(extract, header: header, to: path, sync: syncsFiles)
            let errors = check ? try SchemaValidator.validate(file: path).map { "\($0)" } : []
            return Written(report: report, path: path, sha256: written.sha256, schemaErrors: errors)
        }
        KeptUntilExit.keep(source)
        var status = ExitStatus.success
        for (result, target) in zip(results, targets) {
            switch result {
            case .success(let w):
                if let path = w.path {
                    ctx.out("panel \(w.report.label): \(w.report.validCount) patients -> \(path) "
                            + "(sha256 \(w.sha256 ?? "")), \(w.report.excluded.count) excluded")
                } else {
                    ctx.out("panel \(w.report.label): not written: " + w.report.problems.map(\.rawValue).joined(separator: ", "))
                }
                for e in w.schemaErrors { ctx.err("panel \(w.report.label): schema: \(e)") }
                if w.report.hasProblems || !w.schemaErrors.isEmpty { status = .problems }
            case .failure(let error):
                ctx.err("panel \(target.0.label): \(error)")
                status = .problems
            }
        }
        if status == .problems { ctx.out("run cparctl validate for the reasons") }
        return status
    }

    /// A dry run's files are whole or absent (written under a temporary name, then renamed) but not fsynced: they
    /// are a preview that running the command again rebuilds, and nothing is sent from them (cpard writes the
    /// payloads it sends to its spool, fsynced, before sending). Waiting for the disk would cost the 1M extract about
    /// 0.1 s of its 0.75 s; `sync -f DIR` makes them durable when wanted.
    static let syncsFiles = false

    /// `<number>.xml`; a panel without a number gets `panel-<id>-<name>.xml` with unsafe characters replaced.
    static func fileName(for panel: Panel) -> String {
        if let number = panel.number, number.allSatisfy({ $0.isASCII && $0.isNumber }) { return number + ".xml" }
        let safe = String(panel.name.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) ? $0 : "_" })
        return "panel-\(panel.id)-\(safe).xml"
    }
}
