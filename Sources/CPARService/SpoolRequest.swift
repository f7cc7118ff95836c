import Foundation
import CPARCore

/// A parsed `*.request` file from the spool: `panel = <number>|all`, optional `reason = …`, `requested_by = …`.
/// `reason` and `requested_by` are kept only as `Redaction.freeText` leaves them (no PHN, birth date or control
/// character is ever stored or logged), and a refusal never quotes more of the file than that.
public struct SpoolRequest: Equatable, Sendable {
    public enum Target: Equatable, Sendable { case all, panel(String) }
    public var target: Target
    public var reason: String?
    public var requestedBy: String?

    public struct Invalid: Error, CustomStringConvertible {
        /// Scrubbed: it goes into `rejected/<name>.reason` and the log, and may quote the file.
        public var description: String
        public init(description: String) { self.description = Redaction.scrubQuoting(description) }
    }

    public static let maximumSize = 64 * 1024

    public static func parse(_ text: String) throws(Invalid) -> SpoolRequest {
        var values: [String: String] = [:]
        let lines: [KeyValueLines.Line]
        do { lines = try KeyValueLines.parse(text, inlineComments: false) } catch {
            throw Invalid(description: "line \(error.line): expected 'key = value'")
        }
        for entry in lines {
            let lineNumber = entry.number, key = entry.key, value = entry.value
            guard ["panel", "reason", "requested_by"].contains(key) else {
                throw Invalid(description: "line \(lineNumber): unknown key '\(key)'")
            }
            guard values[key] == nil else { throw Invalid(description: "line \(lineNumber): '\(key)' given twice") }
            guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }), value.count <= 200 else {
                throw Invalid(description: "line \(lineNumber): '\(key)' holds control characters or is too long")
            }
            values[key] = value
        }
        guard let panel = values["panel"], !panel.isEmpty else { throw Invalid(description: "no 'panel = <number>|all' line") }
        return SpoolRequest(target: panel == "all" ? .all : .panel(panel),
                            reason: Redaction.freeText(values["reason"]),
                            requestedBy: Redaction.freeText(values["requested_by"]))
    }
}
