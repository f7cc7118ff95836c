import Foundation
import CPARCore

/// Builds a failure notice as an RFC 5322 message: CRLF line ends, UTF-8 plain text, no line over 998 octets,
/// header values stripped of CR/LF (no header injection), non-ASCII or long subjects RFC 2047-encoded.
public enum NoticeMessage {
    /// - Parameters:
    ///   - date: Unix seconds; written in UTC with English names, independent of locale.
    ///   - messageID: the id without angle brackets (`@localhost` is added when it has no '@').
    ///   - extraHeaders: further fields (e.g. `X-Cpard-Panel`), sanitised like the others.
    public static func rfc5322(from: String, to: String, subject: String, body: String,
                               date: Int64, messageID: String, extraHeaders: [(String, String)] = []) -> [UInt8] {
        var out: [UInt8] = []
        func header(_ name: String, _ value: String) { out += Array("\(name): \(value)\r\n".utf8) }
        header("Date", Timestamp.rfc5322(date))
        header("From", headerValue(from))
        header("To", headerValue(to))
        header("Subject", encodedSubject(headerValue(subject)))
        header("Message-ID", "<\(messageIDValue(messageID))>")
        for (name, value) in extraHeaders where isFieldName(name) { header(name, headerValue(value)) }
        header("MIME-Version", "1.0")
        header("Content-Type", "text/plain; charset=utf-8")

        let lines = bodyLines(body)
        let needsQP = lines.contains { $0.count > 998 }
        let isASCII = lines.allSatisfy { $0.allSatisfy { $0 < 0x80 } }
        header("Content-Transfer-Encoding", needsQP ? "quoted-printable" : (isASCII ? "7bit" : "8bit"))
        out += [0x0D, 0x0A]
        for line in lines {
            out += needsQP ? QuotedPrintable.encode(line) : line
            out += [0x0D, 0x0A]
        }
        return out
    }

    /// RFC 5322 field names: printable ASCII except ':'.
    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }
    }

    /// One line, no control characters: CR, LF, tab and other C0/DEL become spaces, runs of spaces collapse.
    static func headerValue(_ value: String) -> String {
        var result = ""
        var lastWasSpace = false
        for scalar in value.unicodeScalars {
            let isSpace = scalar.value < 0x21 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
            if isSpace {
                if !lastWasSpace && !result.isEmpty { result.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        while result.hasSuffix(" ") { result.removeLast() }
        return result
    }

    /// Plain when short printable ASCII; otherwise RFC 2047 B-encoded words of at most 75 characters,
    /// folded one per line.
    static func encodedSubject(_ subject: String) -> String {
        let plain = subject.unicodeScalars.allSatisfy { $0.isASCII } && !subject.contains("=?")
            && subject.utf8.count <= 78 - "Subject: ".count
        if plain { return subject }
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in subject.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 45 {   // 45 bytes → 60 base64 characters → 72-character word
                words.append(encodedWord(chunk)); chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String { "=?UTF-8?B?\(Data(bytes).base64EncodedString())?=" }

    private static func messageIDValue(_ id: String) -> String {
        var value = String(String.UnicodeScalarView(id.unicodeScalars.filter {
            $0.isASCII && $0.value > 0x20 && $0.value != 0x7F && $0 != "<" && $0 != ">"
        }))
        if value.isEmpty { value = "notice" }
        if !value.contains("@") { value += "@localhost" }
        return value
    }

    /// The body's lines as UTF-8 bytes, split on CRLF, CR or LF, without NUL bytes.
    static func bodyLines(_ body: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var previousCR = false
        for byte in body.utf8 {
            switch byte {
            case 0x0D:
                lines.append(current); current = []; previousCR = true
            case 0x0A:
                if !previousCR { lines.append(current); current = [] }
                previousCR = false
            case 0x00:
                previousCR = false
            default:
                current.append(byte); previousCR = false
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
