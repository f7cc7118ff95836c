import CPARCore
import CPARSystem

/// Why a payload could not be written. Never carries a PHN, name or birth date: fields are named, not quoted.
public enum PayloadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The extract has panel-level problems; nothing may be sent.
    case notSubmittable([PanelProblem])
    /// A value the schema would refuse. `field` names it, e.g. "site ID" or "patient 12 (in PHN order) family name".
    case invalidField(field: String, reason: String)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// libxml2's writer failed (for example an output error it reported).
    case writer(String)

    /// A failed system call, as `.io`.
    public init(_ error: SystemError) { self = .io(path: error.path, operation: error.call, errno: error.errno) }

    public var description: String {
        switch self {
        case .notSubmittable(let problems):
            let codes = problems.map(\.rawValue).joined(separator: ", ")
            return "panel is not submittable" + (codes.isEmpty ? "" : ": \(codes)")
        case .invalidField(let field, let reason):
            return "payload: \(field) \(reason)"
        case .io(let path, let operation, let code):
            return "\(path): \(operation) failed: \(SystemError.text(code)) (errno \(code))"
        case .writer(let message):
            return "payload: XML writer failed: \(message)"
        }
    }
}
