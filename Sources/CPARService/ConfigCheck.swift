import Foundation
import CPARCore
import CPARSystem

/// `cpard --check-config`: everything a start and a send will need, checked before they need it. Problems (exit 2):
/// secret files missing, unreadable or readable by others; the client certificate or CA file unreadable; the EMR
/// data directory unreadable; the directory of `metrics.textfile` or `report.html_path` not writable. Warnings (exit 0): a scheduled day that falls inside the blackout.
public struct ConfigCheck: Sendable {
    public var problems: [String] = []
    public var warnings: [String] = []

    public init(config: Config) {
        let secrets = [("registry.client_key", config.clientKey), ("registry.token_file", config.tokenFile),
                       ("notify.smtp_password_file", config.smtpPasswordFile)]
        for case let (setting, path?) in secrets {
            do {
                // One-line secrets are read as a send would read them: empty or multi-line ones are refused now.
                if setting == "registry.client_key" { try ConfigLoader.checkPrivate(path, config: setting) }
                else { _ = try ConfigLoader.readSecret(path, setting: setting) }
            } catch { problems.append("\(error)") }
        }
        for case let (setting, path?) in [("registry.client_cert", config.clientCert), ("registry.ca_file", config.caFile)] {
            do { _ = try Posix.call("access", path: path) { access(path, R_OK) } } catch {
                problems.append("\(setting): cannot read \(path): \(error.reason)")
            }
        }
        // The EMR export must be a directory this user can list (cpard reads it as the cpard user).
        do { _ = try Posix.listDirectory(config.emrDataDir) } catch {
            problems.append("emr.data_dir: cannot read \(config.emrDataDir): \(error.reason)")
        }
        // cpard rewrites the metrics file and the HTML report after every pass: their directories must exist and be
        // writable by this user.
        for case let (setting, path?) in [("metrics.textfile", config.metricsTextfile), ("report.html_path", config.reportHTMLPath)] {
            let dir = (path as NSString).deletingLastPathComponent
            // In `state.dir` before the first start: cpard creates that directory when it starts.
            if dir == config.stateDir && !Posix.exists(dir) { continue }
            do { _ = try Posix.call("access", path: dir) { access(dir.isEmpty ? "." : dir, W_OK | X_OK) } } catch {
                problems.append("\(setting): cannot write into \(dir): \(error.reason)")
            }
        }
        if let warning = ConfigCheck.scheduleInBlackout(config) { warnings.append(warning) }
    }

    /// The months of the coming year whose scheduled run falls inside the blackout, said as a warning.
    static func scheduleInBlackout(_ config: Config, from now: Date = Date()) -> String? {
        guard let calendar = try? SendCalendar(config: config), calendar.blackoutEnabled else { return nil }
        var month = calendar.period(of: now)
        var hit: [String] = []
        for _ in 0..<12 {
            if calendar.isInBlackout(calendar.scheduledRun(in: month)) { hit.append("\(month)") }
            month = month.adding(months: 1)
        }
        guard !hit.isEmpty else { return nil }
        return "schedule.day \(config.scheduleDay) falls inside the blackout (blackout.from_day \(config.blackoutFromDay) to "
            + "blackout.until_day \(config.blackoutUntilDay)) in \(hit.count == 12 ? "every month" : hit.joined(separator: ", "))"
            + ": the scheduled submission waits until the blackout ends"
    }
}
