import CPARCore
import CPARTransport
import Foundation
import Testing

/// TLS verification and mutual TLS failures are permanent: retrying cannot fix a certificate.
@Suite struct RegistryTLSTests {
    @Test func untrustedServerIsPermanent() throws {
        let f = try RegistryFixture()
        var settings = f.settings()
        settings.caFilePath = f.certs.path("other-ca.pem")
        let result = try f.submit(try f.client(settings))
        #expect(result.permanentReason?.hasPrefix("TLS verification failed") == true, "\(result)")
        #expect(try f.sim.requests().isEmpty)
    }

    @Test func expiredServerCertificateIsPermanent() throws {
        let f = try RegistryFixture(serverCertificate: .expired)
        let result = try f.submit()
        #expect(result.permanentReason?.hasPrefix("TLS verification failed") == true, "\(result)")
        #expect(try f.sim.requests().isEmpty)
    }

    @Test func systemTrustStoreDoesNotTrustTheTestCA() throws {
        let f = try RegistryFixture()
        var settings = f.settings()
        settings.caFilePath = nil
        let result = try f.submit(try f.client(settings))
        #expect(result.permanentReason?.hasPrefix("TLS verification failed") == true, "\(result)")
    }

    /// Repeated: with TLS 1.3 the server's refusal arrives after the client thinks the handshake is done,
    /// and must never look like a dropped connection (a retry storm).
    @Test func missingClientCertificateIsPermanent() throws {
        let f = try RegistryFixture()
        var settings = f.settings()
        settings.clientCertPath = nil
        settings.clientKeyPath = nil
        let client = try f.client(settings)
        for _ in 0..<5 {
            let result = try f.submit(client)
            #expect(result.permanentReason?.hasPrefix("TLS handshake failed") == true, "\(result)")
        }
        #expect(try f.sim.requests().isEmpty)
    }

    @Test func clientCertificateFromAnotherCAIsPermanent() throws {
        let f = try RegistryFixture()
        var settings = f.settings()
        settings.clientCertPath = f.certs.path("other-client.pem")
        settings.clientKeyPath = f.certs.path("other-client.key")
        let client = try f.client(settings)
        for _ in 0..<5 {
            let result = try f.submit(client)
            #expect(result.permanentReason?.hasPrefix("TLS handshake failed") == true, "\(result)")
        }
        #expect(try f.sim.requests().isEmpty)
    }

    @Test func mismatchedClientKeyIsPermanent() throws {
        let f = try RegistryFixture()
        var settings = f.settings()
        settings.clientKeyPath = f.certs.path("other-client.key")
        let result = try f.submit(try f.client(settings))
        #expect(result.permanentReason?.hasPrefix("cannot use the client certificate") == true, "\(result)")
    }

    @Test func httpsClientRefusesPlainHTTPServer() throws {
        // The https:// URL pointed at a plain HTTP port: the TLS handshake cannot succeed.
        let f = try RegistryFixture(insecureHTTP: true)
        var settings = f.settings()
        settings.url = f.sim.baseURL.replacingOccurrences(of: "http://", with: "https://")
        let result = try f.submit(try f.client(settings))
        #expect(result.permanentReason != nil, "\(result)")
    }
}
