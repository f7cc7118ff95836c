import CLibXML2

/// A thin throwing wrapper over one libxml2 `xmlTextWriter`. libxml2 does all escaping.
struct XMLOut {
    let writer: xmlTextWriterPtr
    let output: PayloadOutput
    let collector: XMLErrorCollector

    @inline(__always)
    private func check(_ rc: Int32) throws(PayloadError) {
        if rc < 0 { throw failure() }
    }

    private func failure() -> PayloadError {
        if let failure = output.failure { return failure }
        if let last = collector.errors.last { return .writer(last.message) }
        return .writer("libxml2 reported an error")
    }

    func startDocument() throws(PayloadError) {
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil))
    }

    func endDocument() throws(PayloadError) {
        try check(xmlTextWriterEndDocument(writer))
        try check(xmlTextWriterFlush(writer))
    }

    func startRoot(_ name: StaticString, namespace: StaticString) throws(PayloadError) {
        try check(xmlTextWriterStartElementNS(writer, nil, LibXML.name(name), LibXML.name(namespace)))
    }

    @inline(__always)
    func start(_ name: StaticString) throws(PayloadError) {
        try check(xmlTextWriterStartElement(writer, LibXML.name(name)))
    }

    @inline(__always)
    func end() throws(PayloadError) {
        try check(xmlTextWriterEndElement(writer))
    }

    /// White space between elements (the layout), written as is.
    @inline(__always)
    func layout(_ whitespace: StaticString) throws(PayloadError) {
        try check(xmlTextWriterWriteRaw(writer, LibXML.name(whitespace)))
    }

    /// `<name>text</name>`, with `text` escaped by libxml2.
    @inline(__always)
    func element(_ name: StaticString, _ text: String) throws(PayloadError) {
        // For native Swift strings (UTF-8, NUL-terminated) withCString does not copy.
        let rc = text.withCString { c in
            UnsafeRawPointer(c).withMemoryRebound(to: xmlChar.self, capacity: 1) {
                xmlTextWriterWriteElement(writer, LibXML.name(name), $0)
            }
        }
        try check(rc)
    }

    /// Text content of the current element, escaped by libxml2.
    @inline(__always)
    func text(_ text: String) throws(PayloadError) {
        let rc = text.withCString { c in
            UnsafeRawPointer(c).withMemoryRebound(to: xmlChar.self, capacity: 1) {
                xmlTextWriterWriteString(writer, $0)
            }
        }
        try check(rc)
    }

    /// Markup, or values that cannot need escaping (ASCII digits, '-', M/F/X), written as is.
    @inline(__always)
    func markup(_ bytes: UnsafePointer<UInt8>, count: Int) throws(PayloadError) {
        try check(xmlTextWriterWriteRawLen(writer, bytes, Int32(count)))
    }

    func attribute(_ name: StaticString, _ value: String) throws(PayloadError) {
        let rc = value.withCString { c in
            UnsafeRawPointer(c).withMemoryRebound(to: xmlChar.self, capacity: 1) {
                xmlTextWriterWriteAttribute(writer, LibXML.name(name), $0)
            }
        }
        try check(rc)
    }
}
