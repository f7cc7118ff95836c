import Foundation

/// A private tmpfs mounted over a fresh directory, for disk-full and read-only-file-system tests (the tests run as
/// root). Unmounted and removed by `unmount()` or on deinit.
public final class SmallMount: @unchecked Sendable {   // @unchecked: `mounted` is only touched by its owner
    public let path: String
    private var mounted = true

    /// Mounts a tmpfs of `bytes` bytes (rounded up to pages by the kernel).
    public init(bytes: Int) throws {
        let dir = try TempDirectory("cpard-mount")
        path = dir.path + "-fs"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let result = try Subprocess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes),mode=0755", "tmpfs", path])
        guard result.status == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw TestSetupError("mount tmpfs at \(path) failed: \(result.all)")
        }
    }

    /// The path of `name` inside the mount.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Remounts read-only: every write then fails with EROFS, even for root.
    public func makeReadOnly() throws {
        let result = try Subprocess.run("/bin/mount", ["-o", "remount,ro", path])
        guard result.status == 0 else { throw TestSetupError("remount ro \(path) failed: \(result.all)") }
    }

    public func makeWritable() throws {
        let result = try Subprocess.run("/bin/mount", ["-o", "remount,rw", path])
        guard result.status == 0 else { throw TestSetupError("remount rw \(path) failed: \(result.all)") }
    }

    public func unmount() {
        guard mounted else { return }
        mounted = false
        _ = try? Subprocess.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { unmount() }
}
