import CLibXML2
import CPARCore
import Foundation

/// One way a payload breaks the schema. The message never quotes document content (a PHN or a name could be in
/// it): value errors say which rule failed, structural errors name elements.
public struct SchemaIssue: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line in the payload (0 when libxml2 gave none).
    public var line: Int
    /// Local name of the element concerned, when known.
    public var element: String?
    public var message: String

    public init(line: Int, element: String?, message: String) {
        self.line = line; self.element = element; self.message = message
    }

    public var description: String {
        "line \(line): " + (element.map { "element \($0): " } ?? "") + message
    }
}

/// Validation could not run at all (as opposed to finding issues).
public enum SchemaValidatorError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String)
    /// The embedded schema did not compile (a build defect).
    case schema(String)
    case internalError(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path): return "\(path): cannot open the payload for validation"
        case .schema(let message): return "the embedded submission schema does not compile: \(message)"
        case .internalError(let message): return "schema validation failed to run: \(message)"
        }
    }
}

/// Validates payloads against the embedded `SubmissionSchema.xsd` with libxml2's xmlschemas, streaming
/// (memory stays flat for a million patients). Errors are captured, never printed.
public enum SchemaValidator {
    /// At most this many issues are reported; a final issue says how many more there were.
    public static let issueLimit = 100

    /// The issues in the payload file at `path`; empty when it is valid.
    public static func validate(file path: String) throws(SchemaValidatorError) -> [SchemaIssue] {
        try run { () throws(SchemaValidatorError) -> xmlParserInputBufferPtr in
            guard let input = xmlParserInputBufferCreateFilename(path, XML_CHAR_ENCODING_NONE) else {
                throw .cannotOpen(path: path)
            }
            return input
        }
    }

    /// The issues in a payload held in memory; empty when it is valid.
    public static func validate(bytes: [UInt8]) throws(SchemaValidatorError) -> [SchemaIssue] {
        try run { () throws(SchemaValidatorError) -> xmlParserInputBufferPtr in
            // libxml2 copies the bytes.
            let padded = bytes.isEmpty ? [0] : bytes
            let input = padded.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) {
                    xmlParserInputBufferCreateMem($0.baseAddress, Int32(clamping: bytes.count), XML_CHAR_ENCODING_NONE)
                }
            }
            guard let input else { throw .internalError("cannot create an input buffer") }
            return input
        }
    }

    private static func run(
        _ makeInput: () throws(SchemaValidatorError) -> xmlParserInputBufferPtr
    ) throws(SchemaValidatorError) -> [SchemaIssue] {
        let collector = XMLErrorCollector(limit: issueLimit)
        return try LibXML.capturingErrors(into: collector) { () throws(SchemaValidatorError) -> [SchemaIssue] in
            let schema = try compileSchema(collector)
            defer { xmlSchemaFree(schema) }
            guard let context = xmlSchemaNewValidCtxt(schema) else { throw .internalError("cannot create a context") }
            defer { xmlSchemaFreeValidCtxt(context) }
            xmlSchemaSetValidStructuredErrors(context, XMLErrorCollector.handler, collector.context)
            let input = try makeInput()
            // The stream takes ownership of `input`.
            let rc = xmlSchemaValidateStream(context, input, XML_CHAR_ENCODING_NONE, nil, nil)
            var issues = collector.errors.map(issue(from:))
            if collector.dropped > 0 {
                issues.append(SchemaIssue(line: 0, element: nil, message: "\(collector.dropped) more errors not shown"))
            }
            if rc < 0 && issues.isEmpty { throw .internalError("libxml2 returned \(rc)") }
            if rc > 0 && issues.isEmpty {
                issues.append(SchemaIssue(line: 0, element: nil, message: "the payload is not valid (libxml2 error \(rc))"))
            }
            return issues
        }
    }

    private static func compileSchema(_ collector: XMLErrorCollector) throws(SchemaValidatorError) -> xmlSchemaPtr {
        let parsed: xmlSchemaPtr? = SubmissionSchema.xsd.withCString { text in
            guard let parser = xmlSchemaNewMemParserCtxt(text, Int32(strlen(text))) else { return nil }
            defer { xmlSchemaFreeParserCtxt(parser) }
            xmlSchemaSetParserStructuredErrors(parser, XMLErrorCollector.handler, collector.context)
            return xmlSchemaParse(parser)
        }
        guard let parsed else { throw .schema(collector.errors.first?.message ?? "unknown error") }
        return parsed
    }

    // MARK: - Messages without document content

    static func issue(from e: XMLErrorCollector.Entry) -> SchemaIssue {
        let element = elementName(in: e.message)
        let message: String
        if e.domain == Int32(XML_FROM_SCHEMASV.rawValue) {
            if let value = valueRule[e.code] {
                message = "the value " + value
            } else if structuralCodes.contains(e.code) {
                message = structuralMessage(e.message)
            } else {
                message = "the content is not valid (schema error \(e.code))"
            }
        } else {
            message = (parserMessage[e.code] ?? "the document is not well-formed XML") + " (libxml2 error \(e.code))"
        }
        return SchemaIssue(line: e.line, element: element, message: message)
    }

    /// The local name in libxml2's `Element '{ns}Name': ` prefix. Element names cannot contain quotes.
    private static func elementName(in message: String) -> String? {
        let prefix = "Element '"
        guard message.hasPrefix(prefix) else { return nil }
        let rest = message.dropFirst(prefix.count)
        guard let end = rest.firstIndex(of: "'") else { return nil }
        var name = rest[..<end]
        if let brace = name.firstIndex(of: "}") { name = name[name.index(after: brace)...] }
        return String(name)
    }

    /// libxml2's text for a structural error, minus the element prefix and the namespace noise.
    private static func structuralMessage(_ message: String) -> String {
        var text = Substring(message)
        if text.hasPrefix("Element '"), let range = text.range(of: "': ") { text = text[range.upperBound...] }
        return String(text).replacingOccurrences(of: "{" + SubmissionSchema.namespace + "}", with: "")
    }

    /// Value errors: the rule that failed, never the value.
    private static let valueRule: [Int32: String] = [
        Int32(XML_SCHEMAV_VALUE.rawValue): "is not valid",
        Int32(XML_SCHEMAV_FACET.rawValue): "breaks a facet of its type",
        Int32(XML_SCHEMAV_ATTRINVALID.rawValue): "of an attribute is not valid",
        Int32(XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1.rawValue): "is not valid for its type",
        Int32(XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2.rawValue): "is not valid for its type",
        Int32(XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3.rawValue): "is not valid for its type",
        Int32(XML_SCHEMAV_CVC_FACET_VALID.rawValue): "breaks a facet of its type",
        Int32(XML_SCHEMAV_CVC_LENGTH_VALID.rawValue): "does not have the required length",
        Int32(XML_SCHEMAV_CVC_MINLENGTH_VALID.rawValue): "is shorter than allowed",
        Int32(XML_SCHEMAV_CVC_MAXLENGTH_VALID.rawValue): "is longer than allowed",
        Int32(XML_SCHEMAV_CVC_MININCLUSIVE_VALID.rawValue): "is below the minimum",
        Int32(XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID.rawValue): "is above the maximum",
        Int32(XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID.rawValue): "is below the minimum",
        Int32(XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID.rawValue): "is above the maximum",
        Int32(XML_SCHEMAV_CVC_TOTALDIGITS_VALID.rawValue): "has too many digits",
        Int32(XML_SCHEMAV_CVC_FRACTIONDIGITS_VALID.rawValue): "has too many fraction digits",
        Int32(XML_SCHEMAV_CVC_PATTERN_VALID.rawValue): "does not match the pattern of its type",
        Int32(XML_SCHEMAV_CVC_ENUMERATION_VALID.rawValue): "is not one of the allowed values",
        Int32(XML_SCHEMAV_CVC_AU.rawValue): "does not match the fixed value",
        Int32(XML_SCHEMAV_CVC_IDC.rawValue): "breaks an identity constraint",
        Int32(XML_SCHEMAV_CVC_ELT_5_2_2_2_1.rawValue): "does not match the fixed value",
        Int32(XML_SCHEMAV_CVC_ELT_5_2_2_2_2.rawValue): "does not match the fixed value",
    ]

    /// Schema errors whose libxml2 text names only elements, attributes and types.
    private static let structuralCodes: Set<Int32> = {
        var codes = Set<Int32>()
        for raw in XML_SCHEMAV_NOROOT.rawValue...XML_SCHEMAV_MISC.rawValue {
            codes.insert(Int32(raw))
        }
        return codes.subtracting(valueRule.keys)
    }()

    private static let parserMessage: [Int32: String] = [
        Int32(XML_ERR_DOCUMENT_EMPTY.rawValue): "the document is empty",
        Int32(XML_ERR_DOCUMENT_END.rawValue): "there is content after the root element",
        Int32(XML_ERR_TAG_NAME_MISMATCH.rawValue): "an end tag does not match its start tag",
        Int32(XML_ERR_TAG_NOT_FINISHED.rawValue): "the document ends inside an element",
        Int32(XML_ERR_INVALID_CHAR.rawValue): "the document contains a character XML does not allow",
        Int32(XML_ERR_INVALID_ENCODING.rawValue): "the document is not valid UTF-8",
        Int32(XML_ERR_UNDECLARED_ENTITY.rawValue): "the document refers to an undeclared entity",
        Int32(XML_WAR_UNDECLARED_ENTITY.rawValue): "the document refers to an undeclared entity",
        Int32(XML_ERR_GT_REQUIRED.rawValue): "a tag is not closed",
        Int32(XML_ERR_LT_IN_ATTRIBUTE.rawValue): "an attribute value contains '<'",
    ]
}
