import Foundation

/// A fresh directory under the system temp dir, removed on deinit (or earlier with `remove()`).
public final class TempDirectory: Sendable {
    public let path: String

    public init(_ label: String = "cpard-test") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The path of `name` inside this directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` (UTF-8, as is) to `name` and returns the full path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    deinit { remove() }
}

/// Runs `body` with the path of a fresh temporary directory, removed afterwards.
@discardableResult
public func withTempDirectory<T>(_ label: String = "cpard-test", _ body: (String) throws -> T) throws -> T {
    let dir = try TempDirectory(label)
    return try withExtendedLifetime(dir) { try body(dir.path) }
}
