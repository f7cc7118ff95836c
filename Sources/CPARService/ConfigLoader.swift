import Foundation
import CPARCore
import CPARSystem

/// Reads `cpard.conf` from disk and the secrets it points to. Loading the configuration never touches the secrets:
/// panel administration runs without registry credentials (SPEC §12). They are checked where they are used (the
/// registry transport, SMTP) and by `cpard --check-config`.
public enum ConfigLoader {
    public static let defaultPath = "/etc/cpard/cpard.conf"

    /// `--config`, else `$CPARD_CONFIG`, else /etc/cpard/cpard.conf.
    public static func path(explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment["CPARD_CONFIG"] ?? defaultPath
    }

    public static func load(path: String) throws -> Config {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw ConfigError(file: path, line: nil, message: "cannot read the configuration file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, message: "the configuration file is not UTF-8")
        }
        return try ConfigParser.parse(text, file: absolute,
                                      credentialsDirectory: ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
    }

    /// A key or secret file that others (not the owner, not the group) can read or write is refused. `config` names
    /// where it comes from (the configuration file or the setting) in the error.
    public static func checkPrivate(_ file: String, config: String) throws(ConfigError) {
        let st: stat
        do {
            st = try Posix.stat(file)
            // stat needs only the directory; the user who will read the secret must be able to open it.
            _ = try Posix.call("access", path: file) { access(file, R_OK) }
        } catch {
            throw ConfigError(file: config, line: nil, message: "cannot read secret file \(file): \(error.reason)")
        }
        if st.st_mode & 0o007 != 0 {
            throw ConfigError(file: config, line: nil,
                              message: "secret file \(file) is readable by others (mode \(String(st.st_mode & 0o777, radix: 8))); chmod 600 (or 640 for a group) it")
        }
    }

    /// Reads a one-line secret (token, password), trimmed of surrounding whitespace; refused when others can read
    /// it. An empty one, or one with a line break or other control character inside (it would break an HTTP header),
    /// is refused naming the file.
    public static func readSecret(_ file: String, setting: String? = nil) throws(ConfigError) -> String {
        try checkPrivate(file, config: setting ?? file)
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: file, line: nil, message: "cannot read secret file")
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw ConfigError(file: file, line: nil, message: "secret file is empty") }
        guard !secret.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ConfigError(file: file, line: nil, message: "secret file holds more than one line or a control character")
        }
        return secret
    }
}
