/// Checks a configured URL (`registry.url`, `notify.smtp_url`) well enough that libcurl will take it at run time:
/// a known scheme, a host (a name, an IPv4 address or a bracketed IPv6 address), an optional port 1 to 65535,
/// no spaces, control characters, non-ASCII, query or fragment. `--check-config` accepts nothing that fails later.
public enum ServiceURL {
    /// Why `text` is not a usable URL with one of `schemes`, or nil when it is.
    public static func problem(_ text: String, schemes: [String]) -> String? {
        let expected = "expected " + schemes.map { "\($0)://" }.joined(separator: " or ") + " and a host"
        guard let schemeEnd = text.range(of: "://") else { return expected }
        let scheme = String(text[..<schemeEnd.lowerBound])
        guard schemes.contains(scheme) else { return expected }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return "spaces, control characters and non-ASCII characters are not allowed"
        }
        guard !text.contains("?"), !text.contains("#") else { return "a query (?) or fragment (#) is not allowed" }
        let rest = text[schemeEnd.upperBound...]
        var authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard !authority.isEmpty else { return expected }

        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return "an IPv6 address needs its closing ']'" }
            let address = authority[authority.index(after: authority.startIndex)..<close]
            guard address.contains(":"),
                  address.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." })
            else { return "'[\(address)]' is not an IPv6 address" }
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "unexpected text after ']'" }
                portText = after.dropFirst()
            }
        } else {
            let host: Substring
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            } else {
                host = authority
            }
            guard !host.isEmpty else { return expected }
            guard host.unicodeScalars.allSatisfy({
                ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x41 && $0.value <= 0x5A)
                    || ($0.value >= 0x61 && $0.value <= 0x7A) || $0 == "." || $0 == "-" || $0 == "_"
            }) else { return "'\(host)' is not a host name or address" }
        }
        if let portText {
            guard (1...5).contains(portText.utf8.count), portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let port = Int(portText), (1...65535).contains(port)
            else { return "the port must be a number from 1 to 65535" }
        }
        return nil
    }
}
