import CPARCore
import CPARTransport
import Foundation

/// A small stand-in for CPARPayload's `RegistryMessages` (the client takes its parser by injection):
/// enough of the SPEC §7 bodies for the simulator's answers, and it refuses anything else.
enum TestResponseParser {
    struct Unreadable: Error, CustomStringConvertible {
        let description: String
    }

    static let parser = ResponseParser(parseReceipt: receipt, parseAcknowledgement: acknowledgement)

    static func receipt(_ body: [UInt8]) throws -> String {
        let text = try document(body, root: "Receipt")
        return try trackingID(text)
    }

    static func acknowledgement(_ body: [UInt8]) throws -> Acknowledgement {
        let text = try document(body, root: "Acknowledgement")
        guard let raw = capture(#"<Acknowledgement[^>]*\sstatus="([a-z]+)""#, in: text).first,
              let status = Acknowledgement.Status(rawValue: raw) else { throw Unreadable(description: "no status") }
        let errors = matches(#"<Error code="([^"]*)">([^<]*)</Error>"#, in: text).map {
            Acknowledgement.RegistryError(code: unescape($0[0]), message: unescape($0[1]))
        }
        return Acknowledgement(status: status, trackingID: try trackingID(text), errors: errors)
    }

    private static func document(_ body: [UInt8], root: String) throws -> String {
        guard let text = String(validating: body, as: UTF8.self),
              text.contains("<\(root) xmlns=\"urn:cpard:registry:1\"") else {
            throw Unreadable(description: "not a \(root) document")
        }
        return text
    }

    private static func trackingID(_ text: String) throws -> String {
        guard let id = capture("<TrackingId>([^<]+)</TrackingId>", in: text).first else {
            throw Unreadable(description: "no TrackingId")
        }
        return unescape(id)
    }

    private static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    private static func capture(_ pattern: String, in text: String) -> [String] {
        matches(pattern, in: text).first ?? []
    }

    private static func matches(_ pattern: String, in text: String) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            (1..<match.numberOfRanges).map { ns.substring(with: match.range(at: $0)) }
        }
    }
}
