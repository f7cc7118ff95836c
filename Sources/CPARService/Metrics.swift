import Foundation
import CPARCore
import CPARStore
import CPARSystem

/// The optional Prometheus textfile (`metrics.textfile`) for node_exporter's textfile collector.
public enum Metrics {
    public static func render(store: StateStore) throws -> String {
        var out = "# HELP cpard_panels Panels by the status of their latest submission.\n# TYPE cpard_panels gauge\n"
        let counts = try store.statusCounts()
        for status in SubmissionStatus.allCases {
            out += "cpard_panels{status=\"\(status.rawValue.lowercased())\"} \(counts[status] ?? 0)\n"
        }
        out += "# HELP cpard_last_success_timestamp_seconds When each CPAR panel was last Submitted (0 = never).\n"
        out += "# TYPE cpard_last_success_timestamp_seconds gauge\n"
        var failures = 0
        for panel in try store.panels() {
            let history = try store.submissions(panelID: panel.id)
            failures += history.filter { $0.status == .failed }.count
            // Every CPAR panel has a series, 0 until its first success, so a "too long since" alert fires for a
            // panel that never succeeded too.
            let last = history.filter({ $0.status == .submitted }).compactMap(\.delivered).max()
            if panel.cparEnabled || last != nil {
                out += "cpard_last_success_timestamp_seconds{panel=\"\(escape(panel.label))\"} \(last ?? 0)\n"
            }
        }
        out += "# HELP cpard_failures_total Submissions that ended Failed.\n# TYPE cpard_failures_total counter\n"
        out += "cpard_failures_total \(failures)\n"
        return out
    }

    /// The file's mode: node_exporter usually runs as another user, and the file holds no patient data.
    public static let fileMode: mode_t = 0o644

    /// Written durably (temporary name, fsync, rename), so the collector never reads half a file; the mode is
    /// exactly `fileMode` whatever the umask.
    public static func write(store: StateStore, to path: String) throws {
        try DurableFile.write(render(store: store), to: path, mode: fileMode)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
