/// A streaming RFC 4180 reader for one CSV file with a header row (UTF-8, optional BOM, LF or CRLF).
///
/// Records are handed to a callback one at a time as `CSVRecord` views into a window mapped from the file: nothing
/// is allocated per record or field, nothing is copied, and only the window's part of the file is held in memory.
/// A file that shrinks while it is read (rewritten in place) stops the reading with `.unreadable`. Stray quotes,
/// unterminated quoted fields and over-long lines do not stop the reader: the record comes with a `problem` (see
/// `CSVRecordProblem`).
/// A record's field count is not checked here; compare `fieldCount` with `header.count`.
///
///     let reader = try CSVReader(path: "panel-import.csv")
///     let cols = try reader.requireColumns(["patient_id", "panel"])
///     try reader.forEachRecord { record in
///         guard record.fieldCount == reader.header.count, record.problem == nil else { return }
///         let id = record.string(cols[0])
///     }
public final class CSVReader {
    /// The path as given.
    public let path: String
    /// Header names, trimmed of spaces and tabs.
    public let header: [String]
    let file: InputFile
    let layout: CSVHeader
    private let bufferSize: Int
    private let maxRecordBytes: Int

    /// Opens the file and reads its header row. Throws `.missingFile`, `.noHeader` or `.unreadable`.
    public init(path: String, bufferSize: Int = 1 << 20, maxRecordBytes: Int = 256 << 10) throws(EMRError) {
        self.path = path
        self.bufferSize = bufferSize
        self.maxRecordBytes = maxRecordBytes
        file = try InputFile(path: path)
        layout = try CSVHeader.read(file, bufferSize: bufferSize, maxRecord: maxRecordBytes)
        header = layout.names
    }

    /// The index of the first column named exactly `name`, if any.
    public func columnIndex(_ name: String) -> Int? { layout.index(of: name) }

    /// The indexes of `names`, in order; throws `.missingColumn(file:column:)` naming the first one absent.
    public func requireColumns(_ names: [String]) throws(EMRError) -> [Int] {
        try layout.require(names, file: path)
    }

    /// Calls `body` with every data record in file order (empty lines skipped). Can be called more than once.
    /// Each record is lent to `body` only (its fields point into the reader's window, moved for the next one):
    /// copy out what you keep. An error thrown by `body` stops the reading and is rethrown as is; else the errors
    /// are `EMRError`s.
    public func forEachRecord(_ body: (CSVRecord) throws -> Void) throws {
        var parser = try CSVParser(file: file, start: layout.dataStart, line: layout.dataLine,
                                   bufferSize: bufferSize, maxRecord: maxRecordBytes)
        while let record = try parser.nextRecord(before: .max) { try body(record) }
    }
}
