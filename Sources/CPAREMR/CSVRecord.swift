/// One CSV record, valid only inside the callback that receives it: field slices point into the reader's window
/// and buffers. Outside this package a record offers only copies (`string`, `strings`); the byte views are
/// `package` so that no pointer into the reader's window or buffers is public API.
public struct CSVRecord {
    @usableFromInline let fields: UnsafePointer<UnsafeBufferPointer<UInt8>>
    @usableFromInline let stored: Int
    /// How many fields the record has (may differ from the header's count).
    public let fieldCount: Int
    /// 1-based line in the file where the record starts.
    public let line: Int
    /// Set when the record could not be read cleanly.
    public let problem: CSVRecordProblem?

    @inlinable
    init(fields: UnsafePointer<UnsafeBufferPointer<UInt8>>, stored: Int, fieldCount: Int, line: Int,
         problem: CSVRecordProblem?) {
        self.fields = fields; self.stored = stored; self.fieldCount = fieldCount; self.line = line
        self.problem = problem
    }

    /// The raw bytes of field `index` (unescaped for quoted fields); empty when the record has no such field.
    @inlinable @inline(always)
    package subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        index < stored ? fields[index] : UnsafeBufferPointer(start: nil, count: 0)
    }

    /// Field `index` without leading and trailing spaces and tabs.
    @inlinable @inline(always)
    package func trimmed(_ index: Int) -> UnsafeBufferPointer<UInt8> { CSVBytes.trim(self[index]) }

    /// Field `index` as a String, trimmed of surrounding spaces and tabs (invalid UTF-8 becomes U+FFFD).
    @inlinable
    public func string(_ index: Int) -> String { String(decoding: trimmed(index), as: UTF8.self) }

    /// Copies the record to an array of trimmed strings (for small files; not for the hot path).
    public func strings() -> [String] { (0..<fieldCount).map { string($0) } }

    /// The same record with another line number (the parallel reader numbers lines per worker first).
    @inlinable
    func withLine(_ line: Int) -> CSVRecord {
        CSVRecord(fields: fields, stored: stored, fieldCount: fieldCount, line: line, problem: problem)
    }
}
