import Foundation
import CPARCore
import CPARStore
import CPARService

/// What a command runs against: the parsed arguments, the configuration and the state store, loaded on first use.
final class Context {
    let args: Arguments
    private var loadedConfig: Config?
    private var openedStore: StateStore?

    init(args: Arguments) { self.args = args }

    var configPath: String { ConfigLoader.path(explicit: try? args.value("config")) }

    func config() throws -> Config {
        if let loadedConfig { return loadedConfig }
        let c = try ConfigLoader.load(path: configPath)
        loadedConfig = c
        return c
    }

    func store() throws -> StateStore {
        if let openedStore { return openedStore }
        let c = try config()
        try FileManager.default.createDirectory(atPath: c.stateDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o750])
        // A read-only state directory still serves the commands that only read (SPEC §15); writes then fail.
        let s = try StateStore.openForReading(path: c.databasePath)
        openedStore = s
        return s
    }

    func panel(_ label: String) throws -> Panel {
        guard let p = try store().findPanel(label) else { throw CommandFailure("no panel '\(label)'") }
        return p
    }

    /// `--as-of`, else today in `schedule.timezone`.
    func asOf() throws -> CivilDate {
        if let text = try args.value("as-of") {
            guard let d = CivilDate(iso: text) else { throw UsageError("--as-of must be a date YYYY-MM-DD") }
            return d
        }
        return try today()
    }

    func today() throws -> CivilDate {
        let calendar = try SendCalendar(config: config())
        return calendar.civilDate(of: Date())
    }

    func out(_ text: String) { print(text) }
    func err(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
