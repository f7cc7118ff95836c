import Foundation
import Testing

/// SPEC §10: secrets live in files the config points to, and a key file readable by others is refused.
@Suite("secret files")
struct SecretFileTests {
    @Test(arguments: [(0o644, false), (0o604, false), (0o640, true), (0o600, true)])
    func keyFileModes(mode: Int, accepted: Bool) throws {
        let h = try Harness()
        defer { h.cleanup() }
        let key = h.dir.appendingPathComponent("client.key")
        try "not really a key".write(to: key, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: key.path)
        try h.writeConfig("registry.client_cert = client.pem\nregistry.client_key = client.key\n")
        let r = try h.ctl("status")
        if accepted {
            #expect(r.status == 0, "\(r.stderr)")
        } else {
            #expect(r.status == 2)
            #expect(r.stderr.contains("client.key") && r.stderr.contains("readable by others"))
        }
    }
}
