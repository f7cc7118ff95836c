import CPARCore
@testable import CPARNotices
import Foundation
import Testing

@Suite struct NoticeMessageTests {
    private func build(subject: String = "cpard: panel 1234 submission failed", body: String = "Body\n",
                       from: String = "cpard <cpard@clinic.example>", to: String = "ops@clinic.example",
                       date: Int64 = 1_732_217_340) -> (bytes: [UInt8], text: String) {
        let bytes = NoticeMessage.rfc5322(from: from, to: to, subject: subject, body: body, date: date,
                                          messageID: "sub-1.n-7@cpard")
        return (bytes, String(decoding: bytes, as: UTF8.self))
    }

    private func headers(_ text: String) -> [String] {
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        return head.components(separatedBy: "\r\n")
    }

    @Test func headersAndCRLF() {
        let (bytes, text) = build(body: "Line one\nLine two\r\nLine three\rEnd")
        // Every LF is preceded by CR, every CR followed by LF.
        for (i, byte) in bytes.enumerated() {
            if byte == 0x0A { #expect(i > 0 && bytes[i - 1] == 0x0D) }
            if byte == 0x0D { #expect(i + 1 < bytes.count && bytes[i + 1] == 0x0A) }
        }
        #expect(headers(text) == [
            "Date: Thu, 21 Nov 2024 19:29:00 +0000",
            "From: cpard <cpard@clinic.example>",
            "To: ops@clinic.example",
            "Subject: cpard: panel 1234 submission failed",
            "Message-ID: <sub-1.n-7@cpard>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 7bit",
        ])
        #expect(text.hasSuffix("\r\n\r\nLine one\r\nLine two\r\nLine three\r\nEnd\r\n"))
    }

    @Test(arguments: [
        (Int64(0), "Thu, 01 Jan 1970 00:00:00 +0000"),
        (Int64(951_782_400), "Tue, 29 Feb 2000 00:00:00 +0000"),
        (Int64(-1), "Wed, 31 Dec 1969 23:59:59 +0000"),
        (Int64(4_102_444_799), "Thu, 31 Dec 2099 23:59:59 +0000"),
    ])
    func dateIsRFC5322InUTC(unix: Int64, expected: String) {
        #expect(Timestamp.rfc5322(unix) == expected)
    }

    @Test func nonASCIISubjectIsEncodedWordsThatDecodeBack() throws {
        let subject = "Échec de la soumission du panel « Médecine familiale » — action requise 🙂 ñ ø ü 日本語"
        let (_, text) = build(subject: subject)
        let lines = headers(text)
        let start = try #require(lines.firstIndex { $0.hasPrefix("Subject: ") })
        var folded = [String(lines[start].dropFirst("Subject: ".count))]
        for line in lines[(start + 1)...] where line.hasPrefix(" ") { folded.append(String(line.dropFirst())) }
        #expect(folded.count > 1)
        var decoded: [UInt8] = []
        for word in folded {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let payload = String(word.dropFirst(10).dropLast(2))
            decoded += Array(try #require(Data(base64Encoded: payload)))
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)
        #expect(headers(text).allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
    }

    @Test func headerInjectionIsImpossible() {
        let (_, text) = build(subject: "Failed\r\nBcc: victim@example.com\r\n\r\nforged body",
                              from: "cpard@clinic.example\nX-Injected: 1", to: "ops@clinic.example\r\nCc: x@y")
        let lines = headers(text)
        #expect(!lines.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X-Injected:") || $0.hasPrefix("Cc:") })
        #expect(lines.contains("To: ops@clinic.example Cc: x@y"))
        #expect(lines.contains("From: cpard@clinic.example X-Injected: 1"))
        #expect(lines.count == 8)
    }

    @Test func longLinesBecomeQuotedPrintableWithinLimits() {
        let long = String(repeating: "é", count: 700) + " = end"   // 1406 octets
        let (bytes, text) = build(body: "short\n" + long + "\n")
        #expect(headers(text).contains("Content-Transfer-Encoding: quoted-printable"))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        #expect(bytes.allSatisfy { $0 < 0x80 })
        #expect(decodeQP(body) == "short\r\n" + long + "\r\n")
    }

    @Test func eightBitForShortNonASCIIBodies() {
        let (_, text) = build(body: "Panel « Médecine » a échoué.")
        #expect(headers(text).contains("Content-Transfer-Encoding: 8bit"))
        #expect(text.hasSuffix("\r\n\r\nPanel « Médecine » a échoué.\r\n"))
    }

    @Test func quotedPrintableEncodesTrailingSpaceAndEquals() {
        #expect(String(decoding: QuotedPrintable.encode(Array("a=b ".utf8)), as: UTF8.self) == "a=3Db=20")
    }

    private func decodeQP(_ text: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "=") {
                if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { i += 3; continue }
                out.append(UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)!)
                i += 3
            } else {
                out.append(bytes[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
