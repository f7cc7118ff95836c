import CPARCore
import CPARTestSupport
import CPARTransport
import Foundation
import Testing

@Suite struct RegistryClientSettingsTests {
    private func make(_ settings: RegistryClientSettings) throws(TransportError) -> CurlRegistryClient {
        try CurlRegistryClient(settings: settings, parser: ResponseParser.registryMessages)
    }

    @Test func fromConfig() {
        var config = Config()
        config.registryURL = "https://registry.example/cpar"
        config.clientCert = "/etc/cpard/client.pem"
        config.clientKey = "/etc/cpard/client.key"
        config.caFile = "/etc/cpard/ca.pem"
        config.connectTimeout = 7
        config.requestTimeout = 99
        let settings = RegistryClientSettings(config: config, token: "t")
        #expect(settings == RegistryClientSettings(url: "https://registry.example/cpar", clientCertPath: "/etc/cpard/client.pem",
                                                   clientKeyPath: "/etc/cpard/client.key", caFilePath: "/etc/cpard/ca.pem",
                                                   bearerToken: "t", connectTimeout: 7, timeout: 99))
    }

    @Test func refusesBadURLs() {
        #expect(throws: TransportError.insecureURLRefused) { try make(.init(url: "http://registry.example/")) }
        for url in ["ftp://registry.example/", "registry.example", "https://", "https:///x", "https://a b/",
                    "https://registry.example/x?y=1"] {
            #expect(throws: TransportError.self, "\(url)") { try make(.init(url: url)) }
        }
        #expect((try? make(.init(url: "https://registry.example/cpar/"))) != nil)
    }

    @Test func refusesUnreadableOrHalfClientCertificates() throws {
        let dir = try TempDirectory()
        let cert = dir.file("client.pem")
        try Data("x".utf8).write(to: URL(fileURLWithPath: cert))
        #expect(throws: TransportError.incompleteClientCertificate) {
            try make(.init(url: "https://r.example", clientCertPath: cert))
        }
        #expect(throws: TransportError.unreadableFile(setting: "registry.client_key", path: dir.file("nope.key"))) {
            try make(.init(url: "https://r.example", clientCertPath: cert, clientKeyPath: dir.file("nope.key")))
        }
        #expect(throws: TransportError.unreadableFile(setting: "registry.ca_file", path: dir.file("ca.pem"))) {
            try make(.init(url: "https://r.example", caFilePath: dir.file("ca.pem")))
        }
    }

    @Test func refusesTokensThatWouldBreakTheHeader() {
        for token in ["", "  \n", "abc\r\nX-Evil: 1", "a\u{7F}b"] {
            #expect(throws: TransportError.invalidBearerToken) { try make(.init(url: "https://r.example", bearerToken: token)) }
        }
    }

    @Test func errorMessagesNameTheSetting() {
        #expect(TransportError.insecureURLRefused.description.contains("registry.allow_insecure_http"))
        #expect(TransportError.unreadableFile(setting: "registry.ca_file", path: "/x").description
                == "registry.ca_file: cannot read /x")
    }
}

@Suite struct RegistryClientSettingsLimitTests {
    @Test func timeoutsStayWithinTheConfigLimits() {
        let s = RegistryClientSettings(url: "https://r.example/", connectTimeout: Int.max, timeout: 2_147_483_647 * 86_400)
        #expect(s.connectTimeout == 300 && s.timeout == 3600)
        let z = RegistryClientSettings(url: "https://r.example/", connectTimeout: 0, timeout: -5)
        #expect(z.connectTimeout == 1 && z.timeout == 1)
    }
}
