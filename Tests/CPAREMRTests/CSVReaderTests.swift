import CPARCore
import CPAREMR
import CPARTestSupport
import Foundation
import Testing

@Suite("CSVReader")
struct CSVReaderTests {
    @Test func quotedNewlineCommaAndEscapedQuotes() throws {
        let dir = try TempDirectory()
        let path = try dir.write("a.csv", "id,name,note\n1,\"Mary\nAnne\",x\n2,\"Smith, Jr.\",\"Robert \"\"Bob\"\"\"\n3,Plain,\"\"\n")
        let (header, records) = try readAll(path)
        #expect(header == ["id", "name", "note"])
        #expect(records == [
            ReadRecord(line: 2, fields: ["1", "Mary\nAnne", "x"]),
            ReadRecord(line: 4, fields: ["2", "Smith, Jr.", "Robert \"Bob\""]),
            ReadRecord(line: 5, fields: ["3", "Plain", ""]),
        ])
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let dir = try TempDirectory()
        let path = try dir.write("a.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("id,name\r\n1,\"Zoë\"\r\n2,Bob\r\n\r\n3,\"a\r\nb\"\r\n".utf8))
        let (header, records) = try readAll(path)
        #expect(header == ["id", "name"])
        #expect(records == [
            ReadRecord(line: 2, fields: ["1", "Zoë"]),
            ReadRecord(line: 3, fields: ["2", "Bob"]),
            ReadRecord(line: 5, fields: ["3", "a\r\nb"]),
        ])
    }

    @Test func headerNamesAreTrimmedAndMatchedExactly() throws {
        let dir = try TempDirectory()
        let path = try dir.write("a.csv", " patient_id ,\"Name\",extra\n1,2,3\n")
        let reader = try CSVReader(path: path)
        #expect(reader.header == ["patient_id", "Name", "extra"])
        #expect(reader.columnIndex("patient_id") == 0)
        #expect(reader.columnIndex("name") == nil)
        #expect(try reader.requireColumns(["extra", "patient_id"]) == [2, 0])
        #expect(throws: EMRError.missingColumn(file: path, column: "name")) { try reader.requireColumns(["name"]) }
    }

    @Test func shortAndLongRowsAreReportedAndReadingContinues() throws {
        let dir = try TempDirectory()
        let path = try dir.write("a.csv", "a,b,c\n1,2\n1,2,3,4\n7,8,9\n")
        let (_, records) = try readAll(path)
        #expect(records.map(\.fields.count) == [2, 4, 3])
        #expect(records.map(\.line) == [2, 3, 4])
        #expect(records.allSatisfy { $0.problem == nil })
    }

    @Test func emptyFileHasNoHeader() throws {
        let dir = try TempDirectory()
        let path = try dir.write("empty.csv", "")
        #expect(throws: EMRError.noHeader(path)) { try CSVReader(path: path) }
        let blank = try dir.write("blank.csv", "\n\r\n\n")
        #expect(throws: EMRError.noHeader(blank)) { try CSVReader(path: blank) }
        #expect(EMRError.noHeader(path).description.contains("empty.csv"))
    }

    @Test func headerOnlyHasNoRecords() throws {
        let dir = try TempDirectory()
        let (header, records) = try readAll(try dir.write("h.csv", "a,b"))
        #expect(header == ["a", "b"])
        #expect(records.isEmpty)
        let (_, records2) = try readAll(try dir.write("h2.csv", "a,b\r\n"))
        #expect(records2.isEmpty)
    }

    @Test func lastRecordWithoutTrailingNewline() throws {
        let dir = try TempDirectory()
        let (_, records) = try readAll(try dir.write("a.csv", "a,b\n1,2\n3,\"x\"\"y\""))
        #expect(records == [ReadRecord(line: 2, fields: ["1", "2"]), ReadRecord(line: 3, fields: ["3", "x\"y"])])
        let (_, crlf) = try readAll(try dir.write("b.csv", "a,b\r\n1,2\r"))
        #expect(crlf == [ReadRecord(line: 2, fields: ["1", "2"])])
    }

    @Test func emptyLinesAreSkippedButCounted() throws {
        let dir = try TempDirectory()
        let (_, records) = try readAll(try dir.write("a.csv", "\n\na,b\n\n1,2\n\r\n\n3,4\n\n"))
        #expect(records == [ReadRecord(line: 5, fields: ["1", "2"]), ReadRecord(line: 8, fields: ["3", "4"])])
    }

    @Test func strayQuoteIsLiteralAndFlagged() throws {
        let dir = try TempDirectory()
        let (_, records) = try readAll(try dir.write("a.csv", "a,b,c\n1,ab\"c,3\n2,\"x\"y,4\n5,\"ok\" ,6\n7,8,9\n"))
        #expect(records == [
            ReadRecord(line: 2, fields: ["1", "ab\"c", "3"], problem: .strayQuote),
            ReadRecord(line: 3, fields: ["2", "xy", "4"], problem: .strayQuote),
            ReadRecord(line: 4, fields: ["5", "ok ", "6"]),
            ReadRecord(line: 5, fields: ["7", "8", "9"]),
        ])
    }

    @Test func unterminatedQuoteAtEndOfFileIsReadAsItsLine() throws {
        let dir = try TempDirectory()
        let (_, records) = try readAll(try dir.write("a.csv", "a,b\n1,2\n3,\"open\n4,5\n6,7\n"))
        #expect(records == [
            ReadRecord(line: 2, fields: ["1", "2"]),
            ReadRecord(line: 3, fields: ["3", "open"], problem: .unterminatedQuote),
            ReadRecord(line: 4, fields: ["4", "5"]),
            ReadRecord(line: 5, fields: ["6", "7"]),
        ])
        let (_, tail) = try readAll(try dir.write("b.csv", "a,b\n1,\"never closed"))
        #expect(tail == [ReadRecord(line: 2, fields: ["1", "never closed"], problem: .unterminatedQuote)])
    }

    @Test func overlongQuotedFieldIsCutAtItsLine() throws {
        let dir = try TempDirectory()
        // The quote opened on line 3 closes only after more than maxRecordBytes (64) bytes.
        let long = (0..<20).map { "line \($0)" }.joined(separator: "\n")
        let path = try dir.write("a.csv", "a,b\n1,2\n3,\"\(long)\"\n8,9\n")
        let (_, records) = try readAll(path, bufferSize: 128, maxRecordBytes: 64)
        #expect(records.first == ReadRecord(line: 2, fields: ["1", "2"]))
        #expect(records[1] == ReadRecord(line: 3, fields: ["3", "line 0"], problem: .unterminatedQuote))
        #expect(records[2].line == 4)
        #expect(records.last == ReadRecord(line: 23, fields: ["8", "9"]))
    }

    @Test func overlongLineIsSkipped() throws {
        let dir = try TempDirectory()
        let long = String(repeating: "x", count: 300)
        let path = try dir.write("a.csv", "a,b\n1,2\n\(long),\(long)\n3,4\n")
        let (_, records) = try readAll(path, bufferSize: 128, maxRecordBytes: 64)
        #expect(records == [
            ReadRecord(line: 2, fields: ["1", "2"]),
            ReadRecord(line: 3, fields: [], problem: .tooLong(limit: 64)),
            ReadRecord(line: 4, fields: ["3", "4"]),
        ])
    }

    @Test func anErrorFromTheBodyStopsTheReadingAndComesOutAsIs() throws {
        struct Stop: Error, Equatable {}
        let dir = try TempDirectory()
        let path = try dir.write("a.csv", "id,v\n1,\"x\ny\"\n2,b\n3,c\n")
        let reader = try CSVReader(path: path)
        var seen: [ReadRecord] = []
        #expect(throws: Stop()) {
            try reader.forEachRecord { r in
                seen.append(ReadRecord(line: r.line, fields: r.strings(), problem: r.problem))
                if r.string(0) == "2" { throw Stop() }
            }
        }
        #expect(seen == [ReadRecord(line: 2, fields: ["1", "x\ny"]), ReadRecord(line: 4, fields: ["2", "b"])])
        #expect(try readAll(path).records.count == 3)
    }

    @Test func missingFile() throws {
        let dir = try TempDirectory()
        #expect(throws: EMRError.missingFile(dir.path + "/nope.csv")) { try CSVReader(path: dir.path + "/nope.csv") }
        #expect(EMRError.missingFile("/x/nope.csv").description == "/x/nope.csv: file not found")
    }

    /// The fast path classifies 32 bytes at a time: fields and records of every length around that stride, with
    /// separators at every position of a 32-byte block, a CR before some LFs and no final newline, come out whole.
    @Test func fieldsOfEveryLengthAroundTheScanStride() throws {
        let dir = try TempDirectory()
        var seed: UInt64 = 11
        func next() -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) }
        let alphabet = Array("abcXYZ019 -_.\t".utf8)
        var text = "a,b,c\n"
        var expected: [[String]] = []
        for i in 0..<400 {
            var fields: [String] = []
            for _ in 0..<3 {
                let length = (i + next()) % 71
                var bytes: [UInt8] = []
                while bytes.count < length { bytes.append(alphabet[next() % alphabet.count]) }
                fields.append(String(decoding: bytes, as: UTF8.self))
            }
            expected.append(fields)
            text += fields.joined(separator: ",") + (i == 399 ? "" : next() % 3 == 0 ? "\r\n" : "\n")
        }
        let path = try dir.write("a.csv", text)
        for size in [1 << 20, 300, 251] {
            let records = try readAll(path, bufferSize: size, maxRecordBytes: 250).records
            #expect(records.map(\.fields) == expected, "buffer \(size)")
            #expect(records.allSatisfy { $0.problem == nil })
            #expect(records.last?.line == 401)
        }
    }

    /// Records straddling buffer refills must come out exactly as with one big buffer.
    @Test func tinyBuffersGiveTheSameRecords() throws {
        let dir = try TempDirectory()
        var text = "id,name,note\r\n"
        var seed: UInt64 = 7
        func next() -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) }
        let pieces = ["a", "bc", "\"q,\"", "\"x\"\"y\"", "\"l1\nl2\"", "", "zz z", "é", "\"\""]
        for i in 0..<300 {
            let f1 = pieces[next() % pieces.count], f2 = pieces[next() % pieces.count]
            text += "\(i),\(f1),\(f2)" + (next() % 2 == 0 ? "\n" : "\r\n")
            if next() % 10 == 0 { text += "\n" }
        }
        let path = try dir.write("a.csv", text)
        let big = try readAll(path).records
        #expect(big.count == 300)
        for size in [24, 25, 31, 64, 100] {
            #expect(try readAll(path, bufferSize: size, maxRecordBytes: 23).records == big)
        }
    }

    /// A record at the end of a window is read byte by byte, one in the middle 32 bytes at a time: a CR inside a
    /// field (kept), a CRLF (dropped) and an empty line (skipped) must come out the same either way.
    @Test func recordsAtTheEndOfAWindowReadAsAnywhereElse() throws {
        let dir = try TempDirectory()
        var text = "a,b\n"
        for i in 0..<200 { text += i % 3 == 0 ? "x\r,\(i)\r\n" : i % 3 == 1 ? "\n\(i),y\n" : "\(i),\r\r\n" }
        let path = try dir.write("a.csv", text)
        let big = try readAll(path).records
        #expect(big.count == 200)
        #expect(big[0].fields == ["x\r", "0"])
        #expect(big[2].fields == ["2", "\r"])
        for size in 40..<80 {
            #expect(try readAll(path, bufferSize: size, maxRecordBytes: 30).records == big, "window \(size)")
        }
    }

    /// The EMR rewrites a file in place while it is read: the reader stops with an error naming the file instead
    /// of dying of SIGBUS or handing on zeros as records.
    @Test func aFileThatShrinksWhileReadIsAnErrorNotACrash() throws {
        let dir = try TempDirectory()
        var text = "id,name\n"
        for i in 0..<100_000 { text += "\(i),name \(i)\n" }
        let path = try dir.write("a.csv", text)
        let reader = try CSVReader(path: path, bufferSize: 1 << 20, maxRecordBytes: 1 << 10)
        var seen = 0, zeros = 0
        #expect {
            try reader.forEachRecord { r in
                seen += 1
                if seen == 1 { #expect(truncate(path, 20) == 0) }
                if (0..<r.fieldCount).contains(where: { r.string($0).contains("\0") }) { zeros += 1 }
            }
        } throws: { error in
            guard case EMRError.unreadable(let file, let message) = error else { return false }
            return file == path && message.contains("shrank while it was being read")
        }
        #expect(zeros == 0)
    }
}

@Suite("ISODate")
struct ISODateTests {
    func days(_ s: String) -> Int32? {
        var bytes = Array(s.utf8)
        return bytes.withUnsafeMutableBufferPointer { ISODate.days(UnsafeBufferPointer($0)) }
    }

    func packed(_ s: String) -> UInt32? {
        var bytes = Array(s.utf8)
        return bytes.withUnsafeMutableBufferPointer { ISODate.packed(UnsafeBufferPointer($0)) }
    }

    @Test func agreesWithCivilDate() {
        // Every day from 1899 to 2101, plus the edges of the accepted range.
        var d = CivilDate(year: 1899, month: 1, day: 1)!
        var previous: UInt32 = 0
        while d.year < 2102 {
            #expect(days(d.description) == d.daysSinceEpoch, "\(d)")
            let p = packed(d.description)
            #expect(p == UInt32(d.year * 10_000 + d.month * 100 + d.day), "\(d)")
            #expect(p.map { ISODate.days(packed: $0) } == d.daysSinceEpoch)
            #expect(p! > previous)
            previous = p!
            d = d.adding(days: 1)
        }
        for s in ["1000-01-01", "9999-12-31", "2000-02-29", "1970-01-01"] {
            #expect(days(s) == CivilDate(iso: s)?.daysSinceEpoch, "\(s)")
        }
    }

    /// Every byte value at every position of a few dates: `packed` (which checks the digits a word at a time)
    /// accepts exactly what `days` (byte by byte) accepts, with the same date.
    @Test func packedAgreesWithDaysForEveryByteAtEveryPosition() {
        for base in ["2026-10-31", "1999-02-28", "2000-02-29", "1000-01-01", "9999-12-31"] {
            for at in 0..<10 {
                for value in 0...255 {
                    var bytes = Array(base.utf8)
                    bytes[at] = UInt8(value)
                    let (d, p) = bytes.withUnsafeBufferPointer { (ISODate.days($0), ISODate.packed($0)) }
                    #expect(p.map { ISODate.days(packed: $0) } == d, "\(base) byte \(at) = \(value)")
                }
            }
        }
    }

    /// Two neighbouring bytes changed at once, with the values at the edges of the digit and dash tests (a carry
    /// out of one byte of the packed check must never make its neighbour pass).
    @Test func packedAgreesWithDaysForPairsOfEdgeBytes() {
        let edges: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x39, 0x3A, 0x7F, 0x80, 0x89,
                              0x8A, 0xA9, 0xB9, 0xBA, 0xF6, 0xFF]
        for base in ["2026-10-31", "2000-02-29"] {
            for at in 0..<9 {
                for a in edges {
                    for b in edges {
                        var bytes = Array(base.utf8)
                        bytes[at] = a
                        bytes[at + 1] = b
                        let (d, p) = bytes.withUnsafeBufferPointer { (ISODate.days($0), ISODate.packed($0)) }
                        #expect(p.map { ISODate.days(packed: $0) } == d, "\(base) bytes \(at) = \(a), \(b)")
                    }
                }
            }
        }
    }

    @Test func rejectsWhatCivilDateRejects() {
        for s in ["", "2026-1-01", "2026-02-30", "1900-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "0999-12-31",
                  "2026/01/01", "2026-01-0a", " 2026-01-01", "2026-01-011", "20260101", "2026-0１-01", "+026-01-01"] {
            #expect(days(s) == nil, "\(s)")
            #expect(packed(s) == nil, "\(s)")
            #expect(CivilDate(iso: s) == nil, "\(s)")
        }
    }
}
