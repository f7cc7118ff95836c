#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a CSV record could not be read cleanly. The reader still hands the record over (see each case for what it
/// holds); consumers treat such a record as unreadable.
public enum CSVRecordProblem: Equatable, Sendable, CustomStringConvertible {
    /// A `"` inside an unquoted field, or text between a closing quote and the next delimiter. The quote (or text)
    /// is kept as a literal character and the record ends at its line's end as usual.
    case strayQuote
    /// A quoted field is not closed before the end of the file or within the maximum record length. The record is
    /// re-read as its first physical line only, with the open quote closing at that line's end; reading resumes on
    /// the next line.
    case unterminatedQuote
    /// The record's first line alone is longer than the maximum record length. The record holds no fields; reading
    /// resumes on the next line.
    case tooLong(limit: Int)

    public var description: String {
        switch self {
        case .strayQuote: return "stray quote (a quote inside an unquoted field, or text after a closing quote)"
        case .unterminatedQuote: return "quoted field is never closed; read up to the end of its line"
        case .tooLong(let limit): return "line longer than \(limit) bytes; skipped"
        }
    }
}

/// One CSV record, valid only inside the callback that receives it: field slices point into the reader's buffers.
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
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        index < stored ? fields[index] : UnsafeBufferPointer(start: nil, count: 0)
    }

    /// Field `index` without leading and trailing spaces and tabs.
    @inlinable @inline(always)
    public func trimmed(_ index: Int) -> UnsafeBufferPointer<UInt8> { CSVBytes.trim(self[index]) }

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

/// Byte helpers for CSV fields.
public enum CSVBytes {
    /// Drops leading and trailing ASCII spaces and tabs.
    @inlinable @inline(always)
    public static func trim(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = b.baseAddress else { return b }
        var lo = 0, hi = b.count
        while lo < hi, base[lo] == 0x20 || base[lo] == 0x09 { lo += 1 }
        while hi > lo, base[hi - 1] == 0x20 || base[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(start: base + lo, count: hi - lo)
    }

    /// True when `b` equals the lowercase ASCII `lower`, ignoring ASCII case.
    @inlinable @inline(always)
    public static func equalsIgnoringCase(_ b: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        guard b.count == lower.utf8CodeUnitCount, let base = b.baseAddress else { return b.isEmpty && lower.utf8CodeUnitCount == 0 }
        let l = lower.utf8Start
        for i in 0..<b.count {
            var c = base[i]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != l[i] { return false }
        }
        return true
    }

    /// True when the two byte ranges are equal.
    @inlinable @inline(always)
    public static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n > 0, let p = a.baseAddress, let q = b.baseAddress else { return true }
        if n <= 16 && n >= 8 {
            // Two overlapping 8-byte loads cover 8...16 bytes (short IDs, the common case).
            let r = UnsafeRawPointer(p), t = UnsafeRawPointer(q)
            return r.loadUnaligned(as: UInt64.self) == t.loadUnaligned(as: UInt64.self)
                && r.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                    == t.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return memcmp(p, q, n) == 0
    }
}
