import CLibXML2
import CPARCore

/// Parses the registry's receipt and acknowledgement bodies (SPEC §7, namespace `urn:cpard:registry:1`).
/// libxml2 runs with network access off and no entity expansion or DTD loading; a DOCTYPE is refused outright.
public enum RegistryMessages {
    public static let namespace = "urn:cpard:registry:1"
    /// Bodies over 1 MiB are refused (SPEC §7).
    public static let maxBodyBytes = 1 << 20
    /// Tracking IDs go into `GET {url}/{trackingId}`, so they are limited to URL-safe characters.
    public static let maxTrackingIDLength = 128
    /// At most this many `Error` elements are kept from one acknowledgement; the rest are counted as dropped.
    public static let maxErrors = 32
    /// An `Error` message is clipped to this many characters.
    public static let maxMessageCharacters = 1024

    /// `<Receipt xmlns="urn:cpard:registry:1"><TrackingId>T</TrackingId></Receipt>` → T.
    public static func parseReceipt(_ body: [UInt8]) throws(RegistryMessageError) -> String {
        try withDocument(body, root: "Receipt") { root throws(RegistryMessageError) in
            try trackingID(in: root)
        }
    }

    /// `<Acknowledgement xmlns="urn:cpard:registry:1" status="accepted|rejected|processing">` with a
    /// `TrackingId` and zero or more `<Error code="CODE">message</Error>`.
    public static func parseAcknowledgement(_ body: [UInt8]) throws(RegistryMessageError) -> Acknowledgement {
        try withDocument(body, root: "Acknowledgement") { root throws(RegistryMessageError) in
            guard let statusText = attribute(root, "status") else {
                throw .missingAttribute(element: "Acknowledgement", attribute: "status")
            }
            guard let status = Acknowledgement.Status(rawValue: statusText) else { throw .invalidStatus }
            let tracking = try trackingID(in: root)
            var errors: [Acknowledgement.RegistryError] = []
            var dropped = 0
            for node in children(of: root, named: "Error") {
                guard let code = attribute(node, "code").map(trimmed), !code.isEmpty else {
                    throw .missingAttribute(element: "Error", attribute: "code")
                }
                // Only codes in the registry's syntax are kept (a name or a PHN in a code is dropped whole), and
                // only so many of them; a message is clipped (it is never shown: it may quote patient data).
                guard let kept = Redaction.registryCode(code), errors.count < maxErrors else { dropped += 1; continue }
                errors.append(.init(code: kept, message: String(trimmed(content(node)).prefix(maxMessageCharacters))))
            }
            return Acknowledgement(status: status, trackingID: tracking, errors: errors, droppedErrors: dropped)
        }
    }

    // MARK: - Document

    private static func withDocument<T>(
        _ body: [UInt8], root rootName: String, _ read: (xmlNodePtr) throws(RegistryMessageError) -> T
    ) throws(RegistryMessageError) -> T {
        guard !body.isEmpty else { throw .empty }
        guard body.count <= maxBodyBytes else { throw .tooLarge(bytes: body.count, limit: maxBodyBytes) }
        let collector = XMLErrorCollector(limit: 10)
        return try LibXML.capturingErrors(into: collector) { () throws(RegistryMessageError) -> T in
            guard let parser = xmlNewParserCtxt() else { throw .notWellFormed(line: 0, code: -1) }
            defer { xmlFreeParserCtxt(parser) }
            // Any DOCTYPE, with or without an internal subset, stops the parse before entities are declared.
            parser.pointee.sax.pointee.internalSubset = refuseDoctype
            parser.pointee._private = nil
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue)
            let document = body.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) {
                    xmlCtxtReadMemory(parser, $0.baseAddress, Int32($0.count), nil, nil, options)
                }
            }
            defer { if let document { xmlFreeDoc(document) } }
            if parser.pointee._private != nil { throw .doctypeForbidden }
            guard let document, parser.pointee.wellFormed != 0 else {
                let first = collector.errors.first
                throw .notWellFormed(line: first?.line ?? 0, code: first?.code ?? -1)
            }
            if document.pointee.intSubset != nil || document.pointee.extSubset != nil { throw .doctypeForbidden }
            guard let root = xmlDocGetRootElement(document) else { throw .missingElement(rootName) }
            guard let ns = root.pointee.ns, string(ns.pointee.href) == namespace else {
                throw .wrongNamespace(expected: namespace)
            }
            guard string(root.pointee.name) == rootName else { throw .wrongRootElement(expected: rootName) }
            return try read(root)
        }
    }

    /// SAX `internalSubset`: marks the parse as refused and stops it.
    private static let refuseDoctype: internalSubsetSAXFunc = { context, _, _, _ in
        guard let context else { return }
        let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
        parser.pointee._private = UnsafeMutableRawPointer(bitPattern: 1)
        xmlStopParser(parser)
    }

    // MARK: - Reading

    private static func trackingID(in root: xmlNodePtr) throws(RegistryMessageError) -> String {
        let nodes = children(of: root, named: "TrackingId")
        guard let node = nodes.first else { throw .missingElement("TrackingId") }
        guard nodes.count == 1 else { throw .duplicateElement("TrackingId") }
        let id = trimmed(content(node))
        guard !id.isEmpty else { throw .emptyTrackingID }
        guard id.utf8.count <= maxTrackingIDLength, id != ".", id != "..",
              id.utf8.allSatisfy(isTrackingIDByte) else { throw .invalidTrackingID }
        return id
    }

    /// RFC 3986 unreserved characters.
    private static func isTrackingIDByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Child elements in the registry namespace with the given local name.
    private static func children(of parent: xmlNodePtr, named name: String) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = parent.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE, string(node.pointee.name) == name,
               let ns = node.pointee.ns, string(ns.pointee.href) == namespace {
                result.append(node)
            }
            child = node.pointee.next
        }
        return result
    }

    private static func attribute(_ node: xmlNodePtr, _ name: StaticString) -> String? {
        guard let value = xmlGetNoNsProp(node, LibXML.name(name)) else { return nil }
        defer { CLibXML2_free(value) }
        return String(cString: value)
    }

    private static func content(_ node: xmlNodePtr) -> String {
        guard let value = xmlNodeGetContent(node) else { return "" }
        defer { CLibXML2_free(value) }
        return String(cString: value)
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        p.map { String(cString: $0) }
    }

    /// Without leading and trailing XML white space (space, tab, CR, LF).
    private static func trimmed(_ s: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        var sub = Substring(s)
        while let c = sub.first, isSpace(c) { sub = sub.dropFirst() }
        while let c = sub.last, isSpace(c) { sub = sub.dropLast() }
        return String(sub)
    }
}
