/// HTML text building with escaping by default: every piece of data goes through `escape`.
struct HTML {
    private(set) var text = ""

    /// Escapes `&`, `<`, `>`, `"` and `'`; control characters (other than tab and newline) become spaces.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value): out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Markup written as is (only literals of this module).
    mutating func raw(_ markup: String) { text += markup }

    /// Data, escaped.
    mutating func data(_ s: String) { text += HTML.escape(s) }

    /// `<tag attrs>escaped</tag>`.
    mutating func element(_ tag: String, _ content: String, attributes: String = "") {
        text += "<\(tag)\(attributes.isEmpty ? "" : " " + attributes)>" + HTML.escape(content) + "</\(tag)>"
    }
}
