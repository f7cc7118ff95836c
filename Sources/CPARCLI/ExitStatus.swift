/// cparctl exit statuses (SPEC §4).
public enum ExitStatus: Int32 {
    case success = 0
    /// The command ran and found problems (invalid patients, failed panels, bad rows).
    case problems = 1
    /// Usage or configuration error.
    case usage = 2
}

/// An error the command reports as "found problems" (exit 1), with a clear message.
public struct CommandFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ message: String) { description = message }
}
