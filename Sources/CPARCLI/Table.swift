/// Text columns for human output. Long cells are cut with `…` so that a long panel name or error never breaks
/// a table (SPEC §13); numbers may be right-aligned.
enum Table {
    /// `limits`: the widest a column may be (in characters); longer cells are cut. `rightAligned`: column indexes.
    /// `width`: the last column is cut so that every line fits this many characters.
    static func render(_ rows: [[String]], rightAligned: Set<Int> = [], limits: [Int: Int] = [:], width: Int? = nil) -> String {
        guard let first = rows.first else { return "" }
        var cells = rows.map { row in
            row.enumerated().map { i, cell in Text.cut(cell, limits[i] ?? Int.max) }
        }
        if let width, first.count > 1 {
            let last = first.count - 1
            var used = 0
            for i in 0..<last { used += (cells.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0) + 2 }
            let room = max(8, width - used)
            cells = cells.map { row in row.enumerated().map { i, cell in i == last ? Text.cut(cell, room) : cell } }
        }
        var widths = Array(repeating: 0, count: first.count)
        for row in cells { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        return cells.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, (i < widths.count ? widths[i] : 0) - cell.count))
                if rightAligned.contains(i) { return pad + cell }
                return i == row.count - 1 ? cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n")
    }
}

/// Small text helpers for human output.
enum Text {
    /// One line (control characters become spaces), at most `width` characters: longer text ends in `…`.
    static func cut(_ s: String, _ width: Int) -> String {
        var line = s
        if line.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            line = String(String.UnicodeScalarView(line.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        }
        guard width < Int.max, line.count > width else { return line }
        guard width > 1 else { return String(line.prefix(width)) }
        return String(line.prefix(width - 1)) + "…"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[..<end])
    }
}
