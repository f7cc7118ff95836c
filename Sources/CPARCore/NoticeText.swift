import Foundation

/// The subject and body of a failure notice (SPEC §10). Names the panel, the error and what to do next;
/// carries no patient data: the error text is scrubbed again here in case it came from elsewhere.
public enum NoticeText {
    public static func failure(panel: Panel, site: Site?, submission: Submission) -> (subject: String, body: String) {
        let label = oneLine(panel.label)
        let period = submission.period.description
        let subject = "CPAR submission failed: panel \(label) (\(period))"
        let error = Redaction.scrub(submission.error ?? "no error recorded")
        let siteText = site.map { oneLine($0.name) + " (site ID " + oneLine($0.siteID) + ")" } ?? "not configured"
        let quoted = shellQuoted(panel.label)

        var lines = [
            "A CPAR panel submission has failed. Nothing more is sent for it until it is submitted again.",
            "",
            "Panel:         \(label) — \(oneLine(panel.name))",
            "Site:          \(siteText)",
            "Period:        \(period)",
            "Error:         \(error)",
            "Submission ID: \(submission.id)",
            "Attempts:      \(submission.attempts)",
        ]
        if let tracking = submission.trackingID { lines.append("Tracking ID:   \(oneLine(tracking))") }
        lines += ["", "What to do next:"]
        if error.hasPrefix("panel problems:") {
            lines.append("  1. See what stops the panel:  cparctl validate --panel \(quoted)")
            lines.append("     and fix it (panel settings with cparctl panel edit, the site with cparctl site set,")
            lines.append("     or the EMR data).")
        } else if error.hasPrefix("registry rejected:") {
            lines.append("  1. Read the registry's error codes above and fix the cause in the panel or the EMR data;")
            lines.append("     cparctl validate --panel \(quoted) shows the panel as it would be sent.")
        } else {
            lines.append("  1. Fix the cause: check the registry connection and certificates (registry.* in the")
            lines.append("     configuration) and that the registry is reachable.")
        }
        lines += [
            "  2. Submit again:  cparctl submit --panel \(quoted)",
            "     (or re-queue every failed panel:  systemctl kill --signal=USR1 cpard,",
            "     or drop a file 'panel = \(oneLine(panel.label))' named *.request into the spool's incoming/ directory).",
            "  3. Follow it:  cparctl status   and   cparctl history --panel \(quoted)",
            "",
            "Logs: journalctl -u cpard",
            "",
            "This message was sent by cpard. It contains no patient information.",
        ]
        return (subject, lines.joined(separator: "\n") + "\n")
    }

    /// Control characters (newlines in a panel name would break headers) become spaces.
    static func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// Quotes a label for a shell command line when it needs it.
    static func shellQuoted(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy {
            ($0.value < 128 && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_./:@+,".unicodeScalars.contains($0)
        }
        return plain ? s : "'" + oneLine(s).replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
