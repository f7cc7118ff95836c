/// A usage error: exit status 2.
public struct UsageError: Error, CustomStringConvertible {
    public var description: String
    public init(_ message: String) { description = message }
}

/// Which options a command accepts: options that take a value, and flags that do not.
public struct OptionSpec: Sendable {
    public var values: Set<String>
    public var flags: Set<String>
    public var positionals: ClosedRange<Int>

    public init(values: Set<String> = [], flags: Set<String> = [], positionals: ClosedRange<Int> = 0...0) {
        self.values = values.union(["config"])
        self.flags = flags
        self.positionals = positionals
    }
}

/// Parsed command-line arguments: `--name value`, `--name=value`, `--flag`, positionals; `--` ends options.
public struct Arguments: Sendable {
    public private(set) var positionals: [String] = []
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []

    public init(_ args: some Sequence<String>, spec: OptionSpec) throws(UsageError) {
        var iterator = args.makeIterator()
        var onlyPositionals = false
        while let arg = iterator.next() {
            guard !onlyPositionals, arg.hasPrefix("--"), arg.count > 2 else {
                if arg == "--" && !onlyPositionals { onlyPositionals = true; continue }
                positionals.append(arg)
                continue
            }
            var name = String(arg.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if spec.flags.contains(name) {
                guard inline == nil else { throw UsageError("--\(name) takes no value") }
                flags.insert(name)
            } else if spec.values.contains(name) {
                guard let value = inline ?? iterator.next() else { throw UsageError("--\(name) needs a value") }
                values[name, default: []].append(value)
            } else {
                throw UsageError("unknown option --\(name)")
            }
        }
        guard spec.positionals.contains(positionals.count) else {
            if positionals.count > spec.positionals.upperBound {
                throw UsageError("unexpected argument '\(positionals[spec.positionals.upperBound])'")
            }
            throw UsageError("missing argument")
        }
    }

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The option's value; an error when given more than once.
    public func value(_ name: String) throws(UsageError) -> String? {
        guard let all = values[name] else { return nil }
        guard all.count == 1 else { throw UsageError("--\(name) given more than once") }
        return all[0]
    }

    public func required(_ name: String) throws(UsageError) -> String {
        guard let v = try value(name) else { throw UsageError("--\(name) is required") }
        return v
    }

    public func all(_ name: String) -> [String] { values[name] ?? [] }

    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let text = try value(name) else { return fallback }
        guard let n = Int(text), range.contains(n) else {
            throw UsageError("--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }
}
