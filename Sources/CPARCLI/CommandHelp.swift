import CPARCore

/// `cparctl help [COMMAND|GROUP]`, `COMMAND --help`, a bare group, and "did you mean" for a misspelling. SPEC §13.
enum CommandHelp {
    static let configOption = Command.Option("--config PATH", "the configuration file (default: $CPARD_CONFIG, else /etc/cpard/cpard.conf)")

    /// Every command with its one-line description, by group.
    static var overview: String {
        var lines = ["cparctl \(CPARVersion.string) — CPAR panels, validation and submissions",
                     "", "usage: cparctl COMMAND [options] [--config PATH]"]
        for group in CommandTable.groups {
            lines.append("")
            lines.append(group.title + ":")
            lines.append(contentsOf: list(group.commands))
        }
        lines += ["", "Run 'cparctl help COMMAND' (or 'cparctl COMMAND --help') for its options and an example.",
                  CommandTable.panelRef]
        return lines.joined(separator: "\n")
    }

    static func list(_ commands: [Command]) -> [String] {
        // One column for every group, so the descriptions line up down the whole overview.
        let width = (CommandTable.commands.map(\.name.count).max() ?? 0) + 2
        return commands.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + $0.summary }
    }

    /// The commands whose first word is `word` (a group such as `panel`), or none.
    static func group(_ word: String) -> [Command] {
        CommandTable.commands.filter { $0.path.count > 1 && $0.path[0] == word }
    }

    /// A group's commands with their synopses.
    static func groupText(_ word: String) -> String {
        let commands = group(word)
        var lines = ["cparctl \(word) — commands:"] + list(commands) + ["", "usage:"]
        lines += commands.map { "  cparctl " + $0.synopsis }
        lines += ["", "Run 'cparctl help \(word) COMMAND' for its options and an example.", CommandTable.panelRef]
        return lines.joined(separator: "\n")
    }

    /// One command: synopsis, description, every option, an example.
    static func text(_ c: Command) -> String {
        var lines = ["usage: cparctl \(c.synopsis) [--config PATH]", "", c.summary + "."]
        let options = c.options + [configOption]
        let width = (options.map(\.name.count).max() ?? 0) + 2
        lines.append("")
        lines.append("options:")
        for o in options { lines.append("  " + o.name.padding(toLength: width, withPad: " ", startingAt: 0) + o.text) }
        lines += ["", "example:", "  " + c.example]
        if c.synopsis.contains(" P") || c.synopsis.contains("--panel") { lines += ["", CommandTable.panelRef] }
        return lines.joined(separator: "\n")
    }

    /// Help for the words after `help` (or before `--help`): a command, a group, or nil when nothing matches.
    static func lookup(_ words: [String]) -> String? {
        let words = words.filter { !$0.hasPrefix("-") }
        if words.isEmpty { return overview }
        if let c = CommandTable.commands.filter({ words.starts(with: $0.path) }).max(by: { $0.path.count < $1.path.count }) {
            return text(c)
        }
        if !group(words[0]).isEmpty { return groupText(words[0]) }
        return nil
    }

    /// The closest command names to a mistyped one (edit distance at most 2, or a unique prefix).
    static func suggestions(for words: [String]) -> [String] {
        let typed = words.prefix(2).joined(separator: " ")
        let first = words.first ?? ""
        var names = Set(CommandTable.commands.map(\.name))
        names.formUnion(CommandTable.commands.map { $0.path[0] })
        var scored: [(String, Int)] = []
        for name in names {
            let target = name.contains(" ") ? typed : first
            let d = distance(target.lowercased(), name)
            if d <= max(1, min(2, name.count / 3)) { scored.append((name, d)) }
        }
        // Two words typed: a two-word command fits better than its group alone.
        if words.count >= 2, scored.contains(where: { $0.0.contains(" ") }) { scored.removeAll { !$0.0.contains(" ") } }
        // A group typed right with an unknown command after it: the group itself is no suggestion (the caller
        // points to the group's list instead).
        if words.count >= 2 { scored.removeAll { $0.0 == first } }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(3).map(\.0)
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
