import CPARCore
import CPARTestSupport
import CPARTransport
import Foundation

/// Temp dir + the shared test PKI + a running simulator + a payload file; clients made against it.
final class RegistryFixture: @unchecked Sendable {
    let dir: TempDirectory
    let certs: TestCertificates
    let sim: RegistrySimulator
    let payloadPath: String
    let payload = Array(#"<?xml version="1.0" encoding="UTF-8"?><Test xmlns="urn:test">payload</Test>"#.utf8)

    init(mutualTLS: Bool = true, serverCertificate: RegistrySimulator.ServerCertificate = .valid, token: String? = nil,
         insecureHTTP: Bool = false, faults: String? = nil) throws {
        dir = try TempDirectory()
        certs = try TestCertificates.shared()
        sim = try RegistrySimulator(in: dir, mutualTLS: mutualTLS, serverCertificate: serverCertificate,
                                    token: token, insecureHTTP: insecureHTTP, faults: faults)
        payloadPath = dir.file("payload.xml")
        try Data(payload).write(to: URL(fileURLWithPath: payloadPath))
    }

    /// Settings for mutual TLS with the test client certificate, trusting the test CA.
    func settings(timeout: Int = 30) -> RegistryClientSettings {
        RegistryClientSettings(url: sim.baseURL, clientCertPath: certs.path("client.pem"),
                               clientKeyPath: certs.path("client.key"), caFilePath: certs.path("ca.pem"),
                               connectTimeout: 10, timeout: timeout)
    }

    func client(_ settings: RegistryClientSettings? = nil) throws -> CurlRegistryClient {
        try CurlRegistryClient(settings: settings ?? self.settings(), parser: ResponseParser.registryMessages)
    }

    func submit(_ client: CurlRegistryClient? = nil, key: String = UUID().uuidString) throws -> RegistryResult {
        try (client ?? self.client()).submit(payloadPath: payloadPath, idempotencyKey: key)
    }
}

extension RegistryResult {
    var trackingID: String? {
        if case .receipt(let id) = self { return id }
        return nil
    }
    var acknowledgement: Acknowledgement? {
        if case .acknowledged(let ack) = self { return ack }
        return nil
    }
    var isRetryable: Bool {
        if case .retryable = self { return true }
        return false
    }
    /// The reason of a permanent failure, nil otherwise.
    var permanentReason: String? {
        if case .permanent(let reason) = self { return reason }
        return nil
    }
    var retryableReason: String? {
        if case .retryable(let reason, _) = self { return reason }
        return nil
    }
}

