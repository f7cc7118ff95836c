import CBytes
import CPARSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The streaming RFC 4180 parser behind `CSVReader` and the parallel loaders.
///
/// It reads a file from a given offset through a window of at most `bufferSize` bytes mapped from the file
/// (`FileWindow`: nothing is copied) and hands out records whose unquoted fields are slices of that window; fields
/// of records holding a quote are unescaped into a scratch buffer of the same size. Nothing is allocated per record
/// or per field.
///
/// Record boundaries are a pure function of the start offset (which must be a record start): that is what lets the
/// parallel reader check a worker's speculative start. Rules:
/// - LF or CRLF ends a record; a line with nothing on it is skipped.
/// - A stray quote is kept as a literal and flags the record (`CSVRecordProblem.strayQuote`).
/// - A record may span at most `maxRecord` bytes. A longer one — in practice a quoted field that is never closed —
///   is re-read as its first physical line with the open quote closing at that line's end
///   (`.unterminatedQuote`); if that line alone is too long it is skipped (`.tooLong`). Reading resumes on the next line.
struct CSVParser: ~Copyable {
    let file: InputFile
    let capacity: Int
    let maxRecord: Int
    let maxFields: Int
    private let window: FileWindow
    /// The window's bytes: `buf[0..<n]` is the file at `bufBase`.
    private var buf: UnsafePointer<UInt8>
    private let scratch: UnsafeMutablePointer<UInt8>
    private let fields: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>
    /// File offset of `buf[0]`.
    private var bufBase: Int
    /// Bytes of data in `buf`.
    private var n = 0
    /// Index in `buf` of the next record start.
    private var pos = 0
    private var atEOF: Bool
    /// Line number of the next record start: the caller picks the first value (1, or 0 for worker-relative lines).
    private(set) var line: Int
    private(set) var recordsRead = 0

    // Set by the parse functions for the record just parsed.
    private var fieldCount = 0
    private var recordLFs = 0
    private var problem: CSVRecordProblem?

    private static let lf: UInt8 = 0x0A, cr: UInt8 = 0x0D, quote: UInt8 = 0x22, comma: UInt8 = 0x2C
    private static let incomplete = -1, needsSlowPath = -2, unterminated = -3

    static let defaultBufferSize = 1 << 20
    static let defaultMaxRecord = 256 << 10

    init(file: InputFile, start: Int, line: Int, bufferSize: Int = defaultBufferSize,
         maxRecord: Int = defaultMaxRecord, maxFields: Int = 4096) throws(EMRError) {
        precondition(bufferSize > maxRecord && maxRecord > 0)
        self.file = file
        self.capacity = bufferSize
        self.maxRecord = maxRecord
        self.maxFields = maxFields
        window = try file.window(maxCount: bufferSize)
        buf = UnsafePointer(bitPattern: 1)!  // not read before the first refill (n is 0)
        scratch = .allocate(capacity: bufferSize)
        fields = .allocate(capacity: maxFields)
        bufBase = start
        atEOF = start >= file.size
        self.line = line
    }

    deinit {
        scratch.deallocate()
        fields.deallocate()
    }

    /// File offset of the next record start (after the last record returned).
    var offset: Int { bufBase + pos }

    /// The next record, or nil at the end of the file or when the next record would start at or after `stop`.
    /// The record is valid until the next call.
    @inline(always)
    mutating func nextRecord(before stop: Int) throws(EMRError) -> CSVRecord? {
        while true {
            if bufBase + pos >= stop || (pos == n && atEOF) {
                try checkWindow()
                return nil
            }
            if pos == n {
                try refill()
                continue
            }
            let start = pos
            var end = parseFast(start)
            if end == CSVParser.needsSlowPath { end = parseSlow(start, lineMode: false) }
            if end == CSVParser.incomplete {
                if n - start <= maxRecord {
                    try refill()
                    continue
                }
                end = try recover()
            } else if end == CSVParser.unterminated || end - start > maxRecord {
                end = try recover()
            }
            let recordLine = line
            line &+= recordLFs
            pos = end
            // An empty line (a record whose one field is empty and does not start with a quote has none).
            if fieldCount == 1 && fields[0].count == 0 && problem == nil && buf[start] != CSVParser.quote { continue }
            recordsRead &+= 1
            return CSVRecord(fields: fields, stored: min(fieldCount, maxFields), fieldCount: fieldCount,
                             line: recordLine, problem: problem)
        }
    }

    /// Moves the window to start at the unread bytes, showing as many more as fit.
    @inline(never)
    private mutating func refill() throws(EMRError) {
        try checkWindow()
        let offset = bufBase + pos
        let count = min(capacity, file.size - offset)
        buf = try file.move(window, to: offset, count: count)
        bufBase = offset
        pos = 0
        n = count
        if offset + count >= file.size { atEOF = true }
    }

    private func checkWindow() throws(EMRError) { try file.checkIntact(window) }

    /// Parses a record without quotes in place. Returns the index after it, `incomplete`, or `needsSlowPath`.
    ///
    /// The bytes are classified 32 at a time (`CBytes_csvSpecials32`: a bit per ',', '"' or LF) and only the
    /// special bytes are visited. A record that reaches the window's last 32 bytes is left to `parseSlow`, which
    /// reads byte by byte up to the window's end: the scan never reads past it.
    @inline(always)
    private mutating func parseFast(_ start: Int) -> Int {
        let buf = self.buf, fields = self.fields, maxF = maxFields, end = n
        var base = start, fs = start, nf = 0
        if base &+ 32 > end { return CSVParser.needsSlowPath }
        var m = CBytes_csvSpecials32(buf + base)
        while true {
            if m == 0 {
                base &+= 32
                if base &+ 32 > end { return CSVParser.needsSlowPath }
                m = CBytes_csvSpecials32(buf + base)
                continue
            }
            let p = base &+ Int(m.trailingZeroBitCount)
            m &= m &- 1
            let c = buf[p]
            if c == CSVParser.comma {
                if nf < maxF { fields[nf] = UnsafeBufferPointer(start: buf + fs, count: p &- fs) }
                nf &+= 1
                fs = p &+ 1
                continue
            }
            if c == CSVParser.lf {
                var fe = p
                if fe > fs && buf[fe &- 1] == CSVParser.cr { fe &-= 1 }
                if nf < maxF { fields[nf] = UnsafeBufferPointer(start: buf + fs, count: fe &- fs) }
                fieldCount = nf &+ 1
                recordLFs = 1
                problem = nil
                return p &+ 1
            }
            return CSVParser.needsSlowPath  // a quote
        }
    }

    /// Parses any record, unescaping every field into `scratch`. In `lineMode` an open quote closes at the end of
    /// the line (or file). Returns the index after the record, `incomplete` or `unterminated`.
    @inline(never)
    private mutating func parseSlow(_ start: Int, lineMode: Bool) -> Int {
        let buf = self.buf, scratch = self.scratch, fields = self.fields, maxF = maxFields, end = n
        var p = start, nf = 0, s = 0, lfs = 0
        var found: CSVRecordProblem?

        // A CR is dropped only where the record ends (before its LF, or at the end of the data), as in `parseFast`.
        func store(_ from: Int, _ to: Int, literalFrom: Int, recordEnd: Bool = true) {
            var to = to
            if recordEnd && to > literalFrom && scratch[to - 1] == CSVParser.cr { to -= 1 }
            if nf < maxF { fields[nf] = UnsafeBufferPointer(start: scratch + from, count: to - from) }
            nf += 1
        }

        while true {
            let fs = s
            var literalFrom = s
            var afterQuote = false
            if p < end && buf[p] == CSVParser.quote {
                p += 1
                while true {
                    if p == end {
                        if !atEOF { return CSVParser.incomplete }
                        guard lineMode else { return CSVParser.unterminated }
                        store(fs, s, literalFrom: s)
                        fieldCount = nf; recordLFs = lfs; problem = .unterminatedQuote
                        return end
                    }
                    let c = buf[p]
                    if c == CSVParser.quote {
                        if p + 1 == end && !atEOF { return CSVParser.incomplete }
                        if p + 1 < end && buf[p + 1] == CSVParser.quote {
                            scratch[s] = CSVParser.quote
                            s += 1
                            p += 2
                            continue
                        }
                        p += 1
                        break
                    }
                    if c == CSVParser.lf {
                        if lineMode {
                            store(fs, s, literalFrom: fs)
                            fieldCount = nf; recordLFs = lfs + 1; problem = .unterminatedQuote
                            return p + 1
                        }
                        lfs += 1
                    }
                    scratch[s] = c
                    s += 1
                    p += 1
                }
                literalFrom = s
                afterQuote = true
            }
            while true {
                if p == end {
                    if !atEOF { return CSVParser.incomplete }
                    store(fs, s, literalFrom: literalFrom)
                    fieldCount = nf; recordLFs = lfs; problem = found
                    return end
                }
                let c = buf[p]
                if c == CSVParser.comma {
                    store(fs, s, literalFrom: literalFrom, recordEnd: false)
                    p += 1
                    break
                }
                if c == CSVParser.lf {
                    store(fs, s, literalFrom: literalFrom)
                    fieldCount = nf; recordLFs = lfs + 1; problem = found
                    return p + 1
                }
                if found == nil {
                    if c == CSVParser.quote {
                        found = .strayQuote
                    } else if afterQuote && c != CSVParser.cr && c != 0x20 && c != 0x09 {
                        found = .strayQuote
                    }
                }
                scratch[s] = c
                s += 1
                p += 1
            }
        }
    }

    /// Handles a record at `pos` that is unterminated or longer than `maxRecord`: re-reads its first physical line
    /// in line mode, or skips that line when it alone is too long. Returns the index after what it consumed.
    @inline(never)
    private mutating func recover() throws(EMRError) -> Int {
        while true {
            let start = pos
            let window = min(n - start, maxRecord + 1)
            if memchr(buf + start, Int32(CSVParser.lf), window) != nil || (atEOF && n - start <= maxRecord) {
                let end = parseSlow(start, lineMode: true)
                precondition(end >= 0, "line-mode parse of a complete line cannot fail")
                if problem == nil { problem = .unterminatedQuote }
                return end
            }
            if n - start > maxRecord {
                // The first line alone is too long: skip to the byte after its LF.
                while true {
                    if let hit = memchr(buf + pos, Int32(CSVParser.lf), n - pos) {
                        let after = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - buf + 1
                        fieldCount = 0; recordLFs = 1; problem = .tooLong(limit: maxRecord)
                        return after
                    }
                    pos = n
                    if atEOF {
                        fieldCount = 0; recordLFs = 0; problem = .tooLong(limit: maxRecord)
                        return n
                    }
                    try refill()
                }
            }
            try refill()
        }
    }
}
