/// Why a registry response body was refused. Never quotes the body.
public enum RegistryMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLarge(bytes: Int, limit: Int)
    /// Not well-formed XML; `code` is libxml2's error number.
    case notWellFormed(line: Int, code: Int32)
    /// The document has a DOCTYPE (refused: no DTDs, no entities).
    case doctypeForbidden
    case wrongRootElement(expected: String)
    case wrongNamespace(expected: String)
    case missingElement(String)
    case duplicateElement(String)
    case missingAttribute(element: String, attribute: String)
    /// The acknowledgement's status is not accepted, rejected or processing.
    case invalidStatus
    case emptyTrackingID
    /// The tracking ID is too long or holds characters outside `A–Z a–z 0–9 . _ ~ -`.
    case invalidTrackingID

    public var description: String {
        let what = "registry response"
        switch self {
        case .empty: return "\(what) is empty"
        case .tooLarge(let bytes, let limit): return "\(what) is \(bytes) bytes, over the \(limit)-byte limit"
        case .notWellFormed(let line, let code): return "\(what) is not well-formed XML (line \(line), libxml2 error \(code))"
        case .doctypeForbidden: return "\(what) has a DOCTYPE, which is not accepted"
        case .wrongRootElement(let expected): return "\(what) is not a \(expected) (unexpected root element)"
        case .wrongNamespace(let expected): return "\(what) is not in namespace \(expected)"
        case .missingElement(let name): return "\(what) has no \(name) element"
        case .duplicateElement(let name): return "\(what) has more than one \(name) element"
        case .missingAttribute(let element, let attribute): return "\(what): \(element) has no \(attribute) attribute"
        case .invalidStatus: return "\(what): status is not accepted, rejected or processing"
        case .emptyTrackingID: return "\(what): TrackingId is empty"
        case .invalidTrackingID:
            return "\(what): TrackingId is longer than \(RegistryMessages.maxTrackingIDLength) characters "
                + "or has characters other than letters, digits, '.', '_', '~' and '-'"
        }
    }
}
