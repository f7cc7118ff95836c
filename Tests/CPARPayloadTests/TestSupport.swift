import CLibXML2
import CPARTestSupport
import Foundation

/// A parsed element: namespace, local name, attributes and (for leaves) text, read back with libxml2.
struct ParsedElement: Equatable {
    var namespace: String?
    var name: String
    var attributes: [String: String]
    var text: String?
    var children: [ParsedElement]

    func child(_ name: String) -> ParsedElement? { children.first { $0.name == name } }
    func all(_ name: String) -> [ParsedElement] { children.filter { $0.name == name } }
}

enum TestXML {
    /// Parses `bytes` with libxml2 (no network, no entities) into a tree of elements.
    static func parse(_ bytes: [UInt8]) -> ParsedElement? {
        let doc = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) {
                xmlReadMemory($0.baseAddress, Int32($0.count), nil, nil, Int32(XML_PARSE_NONET.rawValue))
            }
        }
        guard let doc else { return nil }
        defer { xmlFreeDoc(doc) }
        return xmlDocGetRootElement(doc).map(element)
    }

    private static func element(_ node: xmlNodePtr) -> ParsedElement {
        var attributes: [String: String] = [:]
        var attr = node.pointee.properties
        while let a = attr {
            let name = String(cString: a.pointee.name)
            if let value = xmlGetProp(node, a.pointee.name) {
                attributes[name] = String(cString: value)
                CLibXML2_free(value)
            }
            attr = a.pointee.next
        }
        var children: [ParsedElement] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { children.append(element(c)) }
            child = c.pointee.next
        }
        var text: String?
        if children.isEmpty, let content = xmlNodeGetContent(node) {
            text = String(cString: content)
            CLibXML2_free(content)
        }
        return ParsedElement(namespace: node.pointee.ns.map { String(cString: $0.pointee.href) },
                             name: String(cString: node.pointee.name), attributes: attributes,
                             text: text, children: children)
    }
}

/// `xmllint --noout --schema schema/cpar-submission.xsd FILE`.
func xmllint(_ file: String) throws -> Subprocess.Output {
    try Subprocess.run("/usr/bin/xmllint", ["--noout", "--schema", PackageRoot.submissionSchema, file])
}

func writeFile(_ bytes: [UInt8], _ path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func readFile(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
