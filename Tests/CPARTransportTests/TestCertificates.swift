import Foundation

/// The test PKI from `tools/certs/make-certs.sh`, made in a temp dir.
struct TestCertificates {
    let dir: String

    init(in parent: TempDirectory) throws {
        dir = parent.file("certs")
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["bash", PackageRoot.tool("certs/make-certs.sh"), dir]
        let err = Pipe()
        make.standardError = err
        make.standardOutput = FileHandle.nullDevice
        try make.run()
        let output = err.fileHandleForReading.readDataToEndOfFile()
        make.waitUntilExit()
        guard make.terminationStatus == 0 else {
            throw TestSetupError("make-certs.sh failed: \(String(decoding: output, as: UTF8.self))")
        }
    }

    func path(_ name: String) -> String { dir + "/" + name }
}
