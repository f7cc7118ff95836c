import Foundation
import CPARCore
import CPARService

/// `inbox [--recipient R]`: the failure notices in the Maildir, newest first.
enum InboxCommand {
    struct Message {
        var recipient: String
        var panel: String
        var subject: String
        var date: Int64
        var path: String
    }

    static func run(_ ctx: Context) throws -> ExitStatus {
        let root = NoticeDispatcher.maildirRoot(try ctx.config())
        let wanted = try ctx.args.value("recipient")
        let messages = read(root: root).filter { wanted == nil || $0.recipient.lowercased() == wanted!.lowercased() }
        if ctx.args.has("json") {
            ctx.out(JSON.object([("messages", .array(messages.map { m in
                .object([("recipient", .string(m.recipient)), ("panel", .string(m.panel)), ("subject", .string(m.subject)),
                         ("date", .string(ISO8601.format(m.date))), ("path", .string(m.path))])
            }))]).rendered())
            return .success
        }
        if messages.isEmpty { ctx.out("no messages"); return .success }
        var table = [["DATE", "RECIPIENT", "PANEL", "SUBJECT"]]
        for m in messages { table.append([ISO8601.format(m.date), m.recipient, m.panel, m.subject]) }
        ctx.out(Table.render(table))
        return .success
    }

    static func read(root: String) -> [Message] {
        let fm = FileManager.default
        var messages: [Message] = []
        for box in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() where !box.hasPrefix(".") {
            for sub in ["new", "cur"] {
                let dir = root + "/" + box + "/" + sub
                for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where !name.hasPrefix(".") {
                    let path = dir + "/" + name
                    guard let data = fm.contents(atPath: path) else { continue }
                    let headers = parseHeaders(String(decoding: data.prefix(16 * 1024), as: UTF8.self))
                    let date = Int64(name.prefix(while: \.isNumber)) ?? 0
                    messages.append(Message(recipient: headers["to"] ?? box, panel: headers["x-cpard-panel"] ?? "",
                                            subject: decodeWords(headers["subject"] ?? ""), date: date, path: path))
                }
            }
        }
        return messages.sorted { ($0.date, $0.path) > ($1.date, $1.path) }
    }

    /// RFC 5322 header fields up to the blank line, unfolded, names lowercased.
    static func parseHeaders(_ text: String) -> [String: String] {
        var headers: [String: String] = [:]
        var last: String?
        // "\r\n" is one Character in Swift: split on newline characters, not on "\n".
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.isEmpty { break }
            if let first = line.first, first == " " || first == "\t", let key = last {
                headers[key, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].lowercased()
                headers[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                last = key
            }
        }
        return headers
    }

    /// Decodes RFC 2047 `=?utf-8?B?…?=` and `=?utf-8?Q?…?=` words; white space between two encoded words is dropped.
    static func decodeWords(_ text: String) -> String {
        var out = ""
        var previousEncoded = false
        for (i, word) in text.split(separator: " ").enumerated() {
            let parts = word.split(separator: "?", omittingEmptySubsequences: false)
            var decoded: String?
            if parts.count == 5, parts[0] == "=", parts[4] == "=", parts[1].lowercased() == "utf-8" {
                if parts[2].uppercased() == "B", let data = Data(base64Encoded: String(parts[3])) {
                    decoded = String(data: data, encoding: .utf8)
                } else if parts[2].uppercased() == "Q" {
                    decoded = decodeQ(String(parts[3]))
                }
            }
            if i > 0 && !(previousEncoded && decoded != nil) { out += " " }
            out += decoded ?? String(word)
            previousEncoded = decoded != nil
        }
        return out
    }

    static func decodeQ(_ s: String) -> String? {
        var bytes: [UInt8] = []
        var it = Array(s.utf8).makeIterator()
        while let c = it.next() {
            if c == UInt8(ascii: "_") { bytes.append(0x20) } else if c == UInt8(ascii: "=") {
                guard let h = it.next(), let l = it.next(), let v = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
            } else { bytes.append(c) }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
