import CLibXML2

/// One-time libxml2 set-up and silent capture of its errors.
enum LibXML {
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// Initialises libxml2 (once per process) and silences its unstructured error output on this thread.
    static func prepare() {
        _ = initialised
        CLibXML2_silenceGenericErrors()
    }

    /// Runs `body` with libxml2's structured errors on this thread going to `collector` instead of stderr,
    /// then restores the previous handler.
    static func capturingErrors<T, E: Error>(
        into collector: XMLErrorCollector, _ body: () throws(E) -> T
    ) throws(E) -> T {
        prepare()
        let handlerSlot = __xmlStructuredError()!
        let contextSlot = __xmlStructuredErrorContext()!
        let savedHandler = handlerSlot.pointee
        let savedContext = contextSlot.pointee
        xmlSetStructuredErrorFunc(collector.context, XMLErrorCollector.handler)
        defer {
            handlerSlot.pointee = savedHandler
            contextSlot.pointee = savedContext
        }
        return try body()
    }

    /// A NUL-terminated `xmlChar` pointer to a string literal.
    @inline(__always)
    static func name(_ s: StaticString) -> UnsafePointer<xmlChar> {
        precondition(s.hasPointerRepresentation)
        return s.utf8Start
    }
}

/// Collects libxml2 structured errors (at most `limit`; the rest are counted).
final class XMLErrorCollector {
    struct Entry {
        var domain: Int32
        var code: Int32
        var level: xmlErrorLevel
        var line: Int
        var column: Int
        /// libxml2's text. It may quote document content: callers decide what to show.
        var message: String
    }

    private(set) var entries: [Entry] = []
    private(set) var dropped = 0
    let limit: Int

    init(limit: Int = 100) { self.limit = limit }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let handler: xmlStructuredErrorFunc = { userData, error in
        guard let userData, let error else { return }
        let collector = Unmanaged<XMLErrorCollector>.fromOpaque(userData).takeUnretainedValue()
        collector.record(error.pointee)
    }

    private func record(_ e: xmlError) {
        guard entries.count < limit else { dropped += 1; return }
        var text = e.message.map { String(cString: $0) } ?? ""
        while let last = text.last, last.isWhitespace { text.removeLast() }
        entries.append(Entry(domain: Int32(e.domain), code: Int32(e.code), level: e.level,
                             line: Int(e.line), column: Int(e.int2), message: text))
    }

    var errors: [Entry] { entries.filter { $0.level.rawValue >= XML_ERR_ERROR.rawValue } }
}
