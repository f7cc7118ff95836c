import CPARCore

/// Turns registry response bodies into values. Production injects
/// `RegistryMessages.parseReceipt` / `RegistryMessages.parseAcknowledgement` (CPARPayload):
///
///     ResponseParser(parseReceipt: RegistryMessages.parseReceipt,
///                    parseAcknowledgement: RegistryMessages.parseAcknowledgement)
///
/// Thrown errors' descriptions end up in `RegistryResult.permanent` reasons, so they must not echo the body.
public struct ResponseParser: Sendable {
    public var parseReceipt: @Sendable ([UInt8]) throws -> String
    public var parseAcknowledgement: @Sendable ([UInt8]) throws -> Acknowledgement

    public init(parseReceipt: @escaping @Sendable ([UInt8]) throws -> String,
                parseAcknowledgement: @escaping @Sendable ([UInt8]) throws -> Acknowledgement) {
        self.parseReceipt = parseReceipt
        self.parseAcknowledgement = parseAcknowledgement
    }
}
