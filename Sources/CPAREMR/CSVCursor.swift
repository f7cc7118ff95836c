/// Pulls records from a `CSVReader` one at a time. Each record is valid until the next call to `next()`.
public final class CSVCursor {
    private var parser: CSVParser

    init(parser: consuming CSVParser) { self.parser = parser }

    /// The next data record, or nil at the end of the file.
    public func next() throws(EMRError) -> CSVRecord? { try parser.nextRecord(before: .max) }
}
