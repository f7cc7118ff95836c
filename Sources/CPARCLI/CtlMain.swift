import Foundation
import CPARCore

/// `cparctl`: the operator and panel-administrator command line.
public enum CtlMain {
    static var commands: [Command] { CommandTable.commands }

    public static var usage: String { CommandHelp.overview }

    /// Runs `cparctl` with `arguments` (without the program name) and returns the exit status.
    public static func run(_ arguments: [String]) -> Int32 {
        // A closed pipe (`| head`) must surface as a write error, not kill the process mid-transaction.
        signal(SIGPIPE, SIG_IGN)
        let arguments = commandFirst(arguments)
        if arguments.first == "--version" {
            print("cparctl (cpard) \(CPARVersion.string)")
            return ExitStatus.success.rawValue
        }
        if arguments.isEmpty {
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            return ExitStatus.usage.rawValue
        }
        if ["-h", "--help", "help"].contains(arguments[0]) {
            let words = Array(arguments.dropFirst().prefix { $0 != "--config" && !$0.hasPrefix("--config=") })
            guard let text = CommandHelp.lookup(words) else { return unknown(words) }
            print(text)
            return ExitStatus.success.rawValue
        }
        guard let command = commands
            .filter({ arguments.starts(with: $0.path) })
            .max(by: { $0.path.count < $1.path.count }) else {
            let group = CommandHelp.group(arguments[0])
            if !group.isEmpty {
                // `cparctl panel` or `cparctl panel --help`: the group's commands. A wrong sub-command is a usage error.
                let rest = withoutConfig(Array(arguments.dropFirst())).filter { !$0.hasPrefix("-") }
                if rest.isEmpty || arguments.count > 1 && ["-h", "--help"].contains(arguments[1]) {
                    print(CommandHelp.groupText(arguments[0]))
                    return ExitStatus.success.rawValue
                }
            }
            return unknown(Array(arguments.prefix { !$0.hasPrefix("-") }))
        }
        if arguments.contains("--help") || arguments.contains("-h") {
            print(CommandHelp.text(command))
            return ExitStatus.success.rawValue
        }
        do {
            let args = try Arguments(arguments.dropFirst(command.path.count), spec: command.spec)
            return try command.run(Context(args: args, command: command.path.joined(separator: " "))).rawValue
        } catch let e as UsageError {
            report("\(e)\nusage: cparctl \(command.synopsis)\n(cparctl help \(command.name) shows every option and an example)")
            return ExitStatus.usage.rawValue
        } catch let e as ConfigError {
            report("configuration error: \(e)")
            return ExitStatus.usage.rawValue
        } catch {
            report("\(error)")
            return ExitStatus.problems.rawValue
        }
    }

    /// `--config PATH` may also come before the command (`cparctl --config F panel list`): move it after.
    static func commandFirst(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--config", rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--config=") {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        return Array(rest) + leading
    }

    /// The arguments without `--config PATH` / `--config=PATH`.
    static func withoutConfig(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var skip = false
        for a in arguments {
            if skip { skip = false; continue }
            if a == "--config" { skip = true; continue }
            if a.hasPrefix("--config=") { continue }
            out.append(a)
        }
        return out
    }

    /// An unknown command: say so, suggest the nearest ones, exit 2.
    static func unknown(_ words: [String]) -> Int32 {
        let typed = words.prefix(2).joined(separator: " ")
        var message = "unknown command '\(typed)'"
        let near = CommandHelp.suggestions(for: words)
        if !near.isEmpty { message += "; did you mean " + near.map { "'\($0)'" }.joined(separator: " or ") + "?" }
        let group = words.first.flatMap { g in CommandTable.commands.contains { $0.path.count > 1 && $0.path[0] == g } ? g : nil }
        report(message + (group.map { "\nRun 'cparctl \($0)' for its commands." } ?? "\nRun 'cparctl help' for the list of commands."))
        return ExitStatus.usage.rawValue
    }

    static func report(_ message: String) {
        FileHandle.standardError.write(Data("cparctl: \(message)\n".utf8))
    }
}
