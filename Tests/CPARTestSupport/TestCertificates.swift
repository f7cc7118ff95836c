import Foundation

/// The test PKI from `tools/certs/make-certs.sh`, made once per test process in a temp dir that is removed
/// at exit.
public struct TestCertificates: Sendable {
    public let dir: String

    /// The shared certificates; the first call makes them (about 0.3 s), later calls wait for and reuse them.
    public static func shared() throws -> TestCertificates { try made.get() }

    /// The path of one of the files, e.g. `path("client.pem")`.
    public func path(_ name: String) -> String { dir + "/" + name }

    private static let made = Result { () throws -> TestCertificates in
        atexit { try? FileManager.default.removeItem(atPath: TestCertificates.directory) }
        let result = try Subprocess.run("/usr/bin/env", ["bash", PackageRoot.tool("certs/make-certs.sh"), directory])
        guard result.status == 0 else { throw TestSetupError("make-certs.sh failed: \(result.all)") }
        return TestCertificates(dir: directory)
    }

    private static var directory: String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cpard-certs-\(getpid())").path
    }
}
