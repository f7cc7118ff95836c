import CPARCore
import CPARPayload

/// Turns registry response bodies into values: `.registryMessages` (libxml2, SPEC §7) unless a different
/// registry interface needs its own. Thrown errors' descriptions end up in `RegistryResult.permanent` reasons, so they must not echo the body.
public struct ResponseParser: Sendable {
    public var parseReceipt: @Sendable ([UInt8]) throws -> String
    public var parseAcknowledgement: @Sendable ([UInt8]) throws -> Acknowledgement

    public init(parseReceipt: @escaping @Sendable ([UInt8]) throws -> String,
                parseAcknowledgement: @escaping @Sendable ([UInt8]) throws -> Acknowledgement) {
        self.parseReceipt = parseReceipt
        self.parseAcknowledgement = parseAcknowledgement
    }
}

extension ResponseParser {
    /// SPEC §7's receipt and acknowledgement, parsed by libxml2 with network access and entities off.
    public static let registryMessages = ResponseParser(
        parseReceipt: { try RegistryMessages.parseReceipt($0) },
        parseAcknowledgement: { try RegistryMessages.parseAcknowledgement($0) })
}
