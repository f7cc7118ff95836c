/// One CSV line (RFC 4180 quoting) for the files `cparctl` exports. Writing them is `DurableFile`'s job.
enum CSVRow {
    static func line(_ fields: [String]) -> String {
        var out = ""
        for (i, field) in fields.enumerated() {
            if i > 0 { out += "," }
            if field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                out += "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
            } else {
                out += field
            }
        }
        return out + "\n"
    }
}
