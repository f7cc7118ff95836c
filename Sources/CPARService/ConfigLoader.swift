import Foundation
import CPARCore

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
        var st = stat()
        guard stat(file, &st) == 0, access(file, R_OK) == 0 else {
            throw ConfigError(file: config, line: nil, message: "cannot read secret file \(file): \(String(cString: strerror(errno)))")
        }
        if st.st_mode & 0o007 != 0 {
            throw ConfigError(file: config, line: nil,
                              message: "secret file \(file) is readable by others (mode \(String(st.st_mode & 0o777, radix: 8))); chmod 600 (or 640 for a group) it")
        }
    }

    /// Reads a one-line secret (token, password), trimmed; refused when others can read it.
    public static func readSecret(_ file: String, setting: String? = nil) throws(ConfigError) -> String {
        try checkPrivate(file, config: setting ?? file)
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: file, line: nil, message: "cannot read secret file")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
