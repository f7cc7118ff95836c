/// RFC 2045 quoted-printable for one line of text (no line break inside), with soft breaks keeping every
/// encoded line at most 76 characters.
enum QuotedPrintable {
    private static let hex = Array("0123456789ABCDEF".utf8)

    static func encode(_ line: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var column = 0
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            let literal = (byte >= 33 && byte <= 126 && byte != 0x3D) || ((byte == 0x20 || byte == 0x09) && !isLast)
            let token: [UInt8] = literal ? [byte] : [0x3D, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            if column + token.count > 75 {   // leave room for the soft-break '='
                out += [0x3D, 0x0D, 0x0A]
                column = 0
            }
            out += token
            column += token.count
        }
        return out
    }
}
