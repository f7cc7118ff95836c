import CPARNotices
import CPARTestSupport
import Foundation
import Testing

/// SMTP through libcurl to the real `smtp_sink.py`.
@Suite struct SMTPDeliveryTests {
    @Test func messageArrivesIntact() throws {
        let dir = try TempDirectory()
        let sink = try SMTPSink(in: dir)
        defer { sink.stop() }
        let message = NoticeMessage.rfc5322(
            from: "cpard <cpard@clinic.example>", to: "Ops <ops@clinic.example>",
            subject: "Panel « 1234 » failed", body: "Line one\n.\n.leading dot\n\nPanel failed: HTTP 400. Fix and resubmit.\n",
            date: 1_732_217_340, messageID: "n1@cpard")
        let smtp = SMTPDelivery(url: sink.url, from: "cpard <cpard@clinic.example>", username: nil, password: nil, caFile: nil)
        try smtp.send(to: "Ops <ops@clinic.example>", message: message)

        #expect(try sink.message(1) == message)
        let entry = try #require(try sink.index().first)
        #expect(entry["mail_from"] as? String == "cpard@clinic.example")
        #expect(entry["rcpt_tos"] as? [String] == ["ops@clinic.example"])
        #expect(entry["bytes"] as? Int == message.count)
    }

    @Test func refusedConnectionIsAnSMTPError() throws {
        let dir = try TempDirectory()
        let sink = try SMTPSink(in: dir)
        let url = sink.url
        sink.stop()
        let smtp = SMTPDelivery(url: url, from: "cpard@x", username: nil, password: nil, caFile: nil)
        #expect {
            try smtp.send(to: "ops@x", message: Array("Subject: x\r\n\r\nx\r\n".utf8))
        } throws: { error in
            guard case NoticeError.smtp(let why) = error else { return false }
            return why.contains("connect")
        }
    }

    @Test func credentialsAreNeverSentWithoutTLS() throws {
        // smtp:// with a username requires STARTTLS; the sink offers none, so nothing is sent.
        let dir = try TempDirectory()
        let sink = try SMTPSink(in: dir)
        defer { sink.stop() }
        let smtp = SMTPDelivery(url: sink.url, from: "cpard@x", username: "u", password: "p", caFile: nil)
        #expect(throws: NoticeError.self) { try smtp.send(to: "ops@x", message: Array("x\r\n".utf8)) }
        #expect(try sink.index().isEmpty)
    }

    @Test func smtpsRefusesAServerWithoutTLS() throws {
        let dir = try TempDirectory()
        let sink = try SMTPSink(in: dir)
        defer { sink.stop() }
        let smtp = SMTPDelivery(url: "smtps://127.0.0.1:\(sink.port)", from: "cpard@x", username: nil, password: nil,
                                caFile: nil)
        #expect(throws: NoticeError.self) { try smtp.send(to: "ops@x", message: Array("x\r\n".utf8)) }
        #expect(try sink.index().isEmpty)
    }

    @Test func envelopeAddressesCannotInjectCommands() {
        let smtp = SMTPDelivery(url: "smtp://127.0.0.1:1", from: "cpard@x", username: nil, password: nil, caFile: nil)
        for to in ["ops@x>\r\nRCPT TO:<evil@y", "", "two words@x", "<>"] {
            #expect(throws: NoticeError.self, "\(to)") { try smtp.send(to: to, message: []) }
        }
        let bad = SMTPDelivery(url: "http://127.0.0.1:1", from: "cpard@x", username: nil, password: nil, caFile: nil)
        #expect(throws: NoticeError.invalidURL) { try bad.send(to: "ops@x", message: []) }
    }
}
