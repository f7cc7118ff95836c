import Foundation

/// The package root (this file is `Tests/CPARTestSupport/PackageRoot.swift`), where `tools/` and `schema/` are.
public enum PackageRoot {
    public static let path: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    public static var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// A file below the root, e.g. `file("schema/cpar-submission.xsd")`.
    public static func file(_ relative: String) -> String { path + "/" + relative }

    /// A test tool below `tools/`, e.g. `tool("registry-sim/registry_sim.py")`.
    public static func tool(_ relative: String) -> String { file("tools/" + relative) }

    /// The XML schema of a submission payload.
    public static var submissionSchema: String { file("schema/cpar-submission.xsd") }
}
