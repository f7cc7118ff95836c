#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPARCore

/// Per-patient latest visit as YYYYMMDD (0 = none), one table per worker.
final class VisitTable: @unchecked Sendable {
    let dates: UnsafeMutablePointer<UInt32>
    let count: Int
    init(count: Int) {
        self.count = count
        dates = .allocate(capacity: max(1, count))
        dates.initialize(repeating: 0, count: max(1, count))
    }
    deinit { dates.deallocate() }
}

/// One worker's share of `appointments.csv`: for each known patient, the latest counting appointment ≤ as-of.
struct AppointmentsSink: CSVSink {
    let file: String
    let expected: Int
    let appointmentID: Int, patientID: Int, date: Int, status: Int
    let index: PatientIndex
    /// YYYYMMDD.
    let asOf: UInt32
    let table: VisitTable
    private let dates: UnsafeMutablePointer<UInt32>
    private let cache: Cache
    private var cachedLength = -1
    private var cachedIndex = -1
    /// The last patient found.
    private var cursor = -1
    var issues: IssueLog
    private(set) var rows = 0

    final class Cache: @unchecked Sendable {
        static let capacity = 64
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        deinit { bytes.deallocate() }
    }

    init(file: String, expected: Int, columns c: [Int], index: PatientIndex, patients: Int, asOf: CivilDate,
         issueLimit: Int) {
        self.file = file
        self.expected = expected
        appointmentID = c[0]; patientID = c[1]; date = c[3]; status = c[4]
        self.index = index
        let c = asOf.components
        self.asOf = UInt32(c.year * 10_000 + c.month * 100 + c.day)
        table = VisitTable(count: patients)
        dates = table.dates
        cache = Cache()
        issues = IssueLog(limit: issueLimit)
    }

    @inline(always)
    mutating func consume(_ r: CSVRecord) {
        rows &+= 1
        if r.fieldCount != expected || r.problem != nil {
            let why = r.problem?.description ?? FieldRules.fieldCountMessage(expected: expected, found: r.fieldCount)
            reject(r, field: nil, why + "; row skipped")
            return
        }
        guard let d = ISODate.packed(r.trimmed(date)) else {
            reject(r, field: "date", "not a date (YYYY-MM-DD); row skipped")
            return
        }
        guard d <= asOf, FieldRules.countsAsVisit(r.trimmed(status)) else { return }
        let key = r.trimmed(patientID)
        let i: Int
        if key.count == cachedLength && CSVBytes.equal(key, UnsafeBufferPointer(start: cache.bytes, count: key.count)) {
            i = cachedIndex
        } else {
            // Appointments are usually grouped by patient, often in patients.csv order: try the next patient
            // before hashing (a random memory access per patient).
            if index.isFirst(cursor &+ 1, withKey: key) {
                i = cursor &+ 1
            } else {
                i = index.lookup(key)
            }
            if i >= 0 { cursor = i }
            if key.count <= Cache.capacity {
                if key.count > 0 { cache.bytes.update(from: key.baseAddress!, count: key.count) }
                cachedLength = key.count
                cachedIndex = i
            } else {
                cachedLength = -1
            }
        }
        if i >= 0 && dates[i] < d { dates[i] = d }
    }

    @inline(never)
    private mutating func reject(_ r: CSVRecord, field: String?, _ message: String) {
        let id = r.trimmed(appointmentID)
        issues.add(InputIssue(file: file, line: r.line, field: field, message: message,
                              recordID: id.isEmpty ? nil : String(decoding: id, as: UTF8.self)))
    }
}
