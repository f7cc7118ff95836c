/// A CSV file's header row and where its data starts.
struct CSVHeader: Sendable {
    /// Column names, trimmed of spaces and tabs.
    let names: [String]
    /// File offset of the first data record.
    let dataStart: Int
    /// 1-based line of `dataStart`.
    let dataLine: Int

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Reads the header row (skipping a UTF-8 BOM and empty lines).
    static func read(_ file: InputFile, bufferSize: Int = CSVParser.defaultBufferSize,
                     maxRecord: Int = CSVParser.defaultMaxRecord) throws(EMRError) -> CSVHeader {
        var start = 0
        if try file.bytes(at: 0, count: 3) == bom { start = 3 }
        var parser = try CSVParser(file: file, start: start, line: 1, bufferSize: bufferSize, maxRecord: maxRecord)
        guard let record = try parser.nextRecord(before: .max) else { throw .noHeader(file.path) }
        if let problem = record.problem {
            throw .unreadable(file: file.path, message: "line \(record.line): header row: \(problem)")
        }
        return CSVHeader(names: record.strings(), dataStart: parser.offset, dataLine: parser.line)
    }

    /// The index of the first column named `name` (exact, case-sensitive match), if any.
    func index(of name: String) -> Int? { names.firstIndex(of: name) }

    /// The indexes of `columns`, in order; throws `.missingColumn` for the first one absent.
    func require(_ columns: [String], file: String) throws(EMRError) -> [Int] {
        var result: [Int] = []
        for column in columns {
            guard let i = index(of: column) else { throw .missingColumn(file: file, column: column) }
            result.append(i)
        }
        return result
    }
}
