import CPARCore

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
    /// The cached key's patient index, -1 when unknown to patients.csv, `pending` while it waits in the batch.
    private var cachedIndex = -1
    private static let pending = -2
    private let batch = LookupBatch()
    private var batched = 0
    /// The last patient found.
    private var cursor = -1
    var issues: IssueLog
    private(set) var rows = 0

    final class Cache {
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
        if key.count == cachedLength && CSVBytes.equal(key, UnsafeBufferPointer(start: cache.bytes, count: key.count)) {
            if cachedIndex == AppointmentsSink.pending {
                enqueue(key, d)
            } else if cachedIndex >= 0 && dates[cachedIndex] < d {
                dates[cachedIndex] = d
            }
            return
        }
        // Appointments are usually grouped by patient, often in patients.csv order: try the next patient before
        // hashing. Otherwise the row waits in a batch of lookups whose cache misses overlap.
        var i: Int
        if index.isFirst(cursor &+ 1, withKey: key) {
            i = cursor &+ 1
            cursor = i
            if dates[i] < d { dates[i] = d }
        } else if key.count <= LookupBatch.keyCapacity {
            enqueue(key, d)
            i = AppointmentsSink.pending
        } else {
            i = index.lookup(key)
            if i >= 0 {
                cursor = i
                if dates[i] < d { dates[i] = d }
            }
        }
        if key.count <= Cache.capacity {
            if key.count > 0 { cache.bytes.update(from: key.baseAddress!, count: key.count) }
            cachedLength = key.count
            cachedIndex = i
        } else {
            cachedLength = -1
        }
    }

    @inline(always)
    private mutating func enqueue(_ key: UnsafeBufferPointer<UInt8>, _ d: UInt32) {
        batch.set(batched, key: key, date: d)
        batched &+= 1
        if batched == LookupBatch.capacity { flush() }
    }

    /// Resolves the waiting rows.
    @inline(never)
    private mutating func flush() {
        guard batched > 0 else { return }
        index.lookup(batch, count: batched)
        for j in 0..<batched {
            let i = batch.found[j], d = batch.dates[j]
            if i >= 0 && dates[i] < d { dates[i] = d }
        }
        let last = batch.found[batched - 1]
        if cachedIndex == AppointmentsSink.pending { cachedIndex = last }
        if last >= 0 { cursor = last }
        batched = 0
    }

    mutating func finish() { flush() }

    @inline(never)
    private mutating func reject(_ r: CSVRecord, field: String?, _ message: String) {
        let id = r.trimmed(appointmentID)
        issues.add(InputIssue(file: file, line: r.line, field: field, message: message,
                              recordID: id.isEmpty ? nil : String(decoding: id, as: UTF8.self)))
    }
}
