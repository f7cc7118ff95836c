import Foundation

/// A fresh directory under the system temp dir, removed on deinit.
final class TempDirectory: @unchecked Sendable {
    let path: String

    init(_ label: String = "cpard-transport") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The package root (tests live in `Tests/CPARTransportTests/`), where `tools/` is.
enum PackageRoot {
    static let path: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func tool(_ relative: String) -> String { path + "/tools/" + relative }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
