import CPARTestSupport
import Foundation
import Testing

/// The helper servers from `tools/`, driven with the curl command-line tool.
@Suite struct HelperTests {
    @Test func certificatesAreMadeOnce() throws {
        let a = try TestCertificates.shared(), b = try TestCertificates.shared()
        #expect(a.dir == b.dir)
        for name in ["ca.pem", "server.pem", "server.key", "client.pem", "client.key", "expired-server.pem"] {
            #expect(FileManager.default.fileExists(atPath: a.path(name)), "\(name)")
        }
    }

    @Test func simulatorRecordsRequestsAndReadsFaults() throws {
        let dir = try TempDirectory()
        let sim = try RegistrySimulator(in: dir, insecureHTTP: true, faults: #"{"poll_fail_status": 503, "poll_fail_count": 1}"#)
        #expect(sim.baseURL == "http://127.0.0.1:\(sim.port)/submissions")
        #expect(sim.configLines.contains("registry.url = \(sim.baseURL)\n"))
        #expect(try sim.requests().isEmpty)
        let first = try Subprocess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", sim.baseURL + "/t1"])
        #expect(first.stdout == "503")
        try sim.setFaults([:])
        let second = try Subprocess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", sim.baseURL + "/t1"])
        #expect(second.stdout == "404")
        let requests = try sim.requests()
        #expect(requests.map { $0["method"] as? String } == ["GET", "GET"])
        #expect(requests.last?["path"] as? String == "/submissions/t1")
        #expect(sim.posts.isEmpty)
        sim.stop()
        #expect(!sim.helper.process.isRunning)
    }

    @Test func helperThatExitsEarlyIsASetupErrorWithItsLog() throws {
        let dir = try TempDirectory()
        #expect {
            try BackgroundHelper(tool: "registry-sim/registry_sim.py", arguments: [], portFile: dir.file("port"),
                                 logPath: dir.file("log"))
        } throws: { error in
            "\(error)".contains("exited (2)") && "\(error)".contains("--record-dir")
        }
    }

    @Test func smtpSinkStoresWhatItReceives() throws {
        let dir = try TempDirectory()
        let sink = try SMTPSink(in: dir)
        defer { sink.stop() }
        let message = "Subject: hi\r\n\r\nbody\r\n"
        let file = try dir.write("mail.eml", message)
        let sent = try Subprocess.run("/usr/bin/curl", ["-s", "-S", sink.url, "--mail-from", "a@x.example",
                                                        "--mail-rcpt", "b@y.example", "-T", file])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(try sink.message(1) == Array(message.utf8))
        #expect(try sink.index().first?["rcpt_tos"] as? [String] == ["b@y.example"])
    }
}
