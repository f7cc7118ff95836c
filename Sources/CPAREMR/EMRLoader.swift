import CPARCore
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the EMR data directory (`providers.csv`, `patients.csv`, `appointments.csv`) into an `EMRSnapshot`.
///
/// All three headers are checked before any data is read, so a missing file or column fails fast. Then
/// `patients.csv` is parsed by `threads` workers, the patient index is built (one partition per worker), and
/// `appointments.csv` is parsed by `threads` workers into per-worker latest-visit tables merged at the end.
/// Memory grows with patients only: appointments are streamed through windows mapped from the file.
public enum EMRLoader {
    public static func load(dataDir: String, asOf: CivilDate, threads: Int = 2) throws(EMRError) -> EMRSnapshot {
        try load(dataDir: dataDir, asOf: asOf, options: EMRLoadOptions(threads: threads))
    }

    public static func load(dataDir: String, asOf: CivilDate, options: EMRLoadOptions) throws(EMRError) -> EMRSnapshot {
        let started = now()
        var stats = EMRLoadStatistics()
        let dir = dataDir.hasSuffix("/") ? String(dataDir.dropLast()) : dataDir
        func open(_ name: String, _ columns: [String]) throws(EMRError) -> (InputFile, CSVHeader, [Int]) {
            let file = try InputFile(path: dir + "/" + name)
            let header = try CSVHeader.read(file, bufferSize: options.bufferSize, maxRecord: options.maxRecordBytes)
            return (file, header, try header.require(columns, file: file.path))
        }
        let (providerFile, providerHeader, providerColumns) = try open(EMRFiles.providers, EMRFiles.providerColumns)
        let (patientFile, patientHeader, patientColumns) = try open(EMRFiles.patients, EMRFiles.patientColumns)
        let (visitFile, visitHeader, visitColumns) = try open(EMRFiles.appointments, EMRFiles.appointmentColumns)
        stats.bytes = providerFile.size + patientFile.size + visitFile.size

        var issues = IssueLog(limit: options.maxIssues)
        let providers = try ProvidersLoader.load(file: providerFile, header: providerHeader, columns: providerColumns,
                                                 name: EMRFiles.providers, options: options, issues: &issues)
        stats.providerRows = providers.count

        // patients.csv
        var phase = now()
        let patientParts = try ParallelCSV.read(
            file: patientFile, header: patientHeader,
            nominalOffsets: offsets(EMRFiles.patients, patientFile, patientHeader, options),
            bufferSize: options.bufferSize, maxRecord: options.maxRecordBytes,
            discarded: &stats.discardedWorkers
        ) { _ in
            PatientsSink(file: EMRFiles.patients, expected: patientHeader.names.count, columns: patientColumns,
                         issueLimit: options.maxIssues)
        }
        let counts = patientParts.map { $0.sink.records.count }
        let total = counts.reduce(0, +)
        // Each worker's records stay in its segments; their lines become file lines in place, and their facts are
        // copied to their place in one table, one thread per worker.
        var facts = [PatientFacts](unsafeUninitializedCapacity: total) { buffer, initialized in
            var at = 0
            var adjustments: [LineAdjustment] = []
            for part in patientParts {
                adjustments.append(LineAdjustment(records: part.sink.records, facts: part.sink.facts,
                                                  factsOut: buffer.baseAddress! + at, firstLine: part.firstLine))
                at += part.sink.records.count
            }
            let all = adjustments
            DispatchQueue.concurrentPerform(iterations: all.count) { all[$0].run() }
            initialized = at
        }
        let handedOver = patientParts.map { $0.sink.records.handOver() }
        let segmentCapacity = patientParts.first?.sink.records.segmentCapacity ?? 1
        let segments = handedOver.flatMap(\.segments)
        let patients = PatientTable(runs: handedOver.map { ($0.segments, $0.count) },
                                    blockShift: patientParts.first?.sink.records.segmentShift ?? 0) {
            SegmentedStorage<PatientRecord>.free(segments, segmentCapacity: segmentCapacity)
        }
        let patientIssueStart = issues.issues.count
        var owner = 0
        for (part, count) in zip(patientParts, counts) {
            issues.append(part.sink.issues, lineOffset: part.firstLine, ownerOffset: owner)
            owner += count
        }
        stats.patientRows = patientParts.reduce(0) { $0 + $1.records }
        stats.patientsSeconds = now() - phase

        // The patient index.
        phase = now()
        let (index, duplicates) = PatientIndex.build(patients: patients, threads: options.threads)
        for d in duplicates {
            let p = patients[d.duplicate]
            issues.add(InputIssue(file: EMRFiles.patients, line: p.line, field: "patient_id",
                                  message: "duplicate patient_id; the row on line \(patients[d.first].line) is used",
                                  recordID: p.patientID), owner: d.duplicate)
        }
        stats.indexSeconds = now() - phase
        var kept = issues.issues
        var owners = issues.owners
        if !duplicates.isEmpty {
            // Put the duplicate notes in line order with the other patients.csv issues.
            let order = (patientIssueStart..<kept.count).sorted { (kept[$0].line, $0) < (kept[$1].line, $1) }
            let sortedIssues = order.map { kept[$0] }, sortedOwners = order.map { owners[$0] }
            kept.replaceSubrange(patientIssueStart..., with: sortedIssues)
            owners.replaceSubrange(patientIssueStart..., with: sortedOwners)
        }

        // appointments.csv
        phase = now()
        let visitParts = try ParallelCSV.read(
            file: visitFile, header: visitHeader,
            nominalOffsets: offsets(EMRFiles.appointments, visitFile, visitHeader, options),
            bufferSize: options.bufferSize, maxRecord: options.maxRecordBytes,
            discarded: &stats.discardedWorkers
        ) { _ in
            AppointmentsSink(file: EMRFiles.appointments, expected: visitHeader.names.count, columns: visitColumns,
                             index: index, patients: total, asOf: asOf, issueLimit: options.maxIssues)
        }
        let lastVisits = facts.withUnsafeMutableBufferPointer { facts in
            [Int32](unsafeUninitializedCapacity: total) { buffer, initialized in
                // The workers' tables merged (latest date wins) and turned into day numbers, and each patient's
                // facts completed with theirs, in `threads` slices.
                let merge = VisitMerge(out: buffer.baseAddress!, facts: facts.baseAddress!,
                                       tables: visitParts.map { $0.sink.table.dates })
                let slices = max(1, min(options.threads, total / 100_000 + 1))
                DispatchQueue.concurrentPerform(iterations: slices) { w in
                    merge.run(total * w / slices..<total * (w + 1) / slices)
                }
                initialized = total
            }
        }
        var log = IssueLog(limit: options.maxIssues)
        for part in visitParts { log.append(part.sink.issues, lineOffset: part.firstLine, ownerOffset: 0) }
        let issueTotal = issues.total + log.total
        for issue in log.issues where kept.count < options.maxIssues {
            kept.append(issue)
            owners.append(-1)
        }
        stats.appointmentRows = visitParts.reduce(0) { $0 + $1.records }
        stats.appointmentsSeconds = now() - phase

        var patientIssues: [Int: [Int]] = [:]
        for (i, o) in owners.enumerated() where o >= 0 { patientIssues[o, default: []].append(i) }
        stats.totalSeconds = now() - started
        return EMRSnapshot(providers: providers, patients: patients, patientIndex: index, lastVisitDays: lastVisits,
                           issues: kept, issueCount: issueTotal, asOf: asOf, statistics: stats,
                           patientIssues: patientIssues, facts: facts)
    }

    /// Makes one worker's record lines file lines.
    // @unchecked: each adjustment has its own storages and its own range of `factsOut`, used by one thread until
    // `concurrentPerform` returns.
    private struct LineAdjustment: @unchecked Sendable {
        let records: SegmentedStorage<PatientRecord>
        let facts: SegmentedStorage<PatientFacts>
        let factsOut: UnsafeMutablePointer<PatientFacts>
        let firstLine: Int

        func run() {
            records.adjustAll { $0.line += firstLine }
            facts.copyAll(to: factsOut)
        }
    }

    /// Merges the per-worker latest-visit tables into day numbers (`Int32.min` for none); slices may run in parallel.
    // @unchecked: slices write disjoint ranges of `out` and `facts` and only read `tables`, all alive until the
    // merge returns.
    private struct VisitMerge: @unchecked Sendable {
        let out: UnsafeMutablePointer<Int32>
        let facts: UnsafeMutablePointer<PatientFacts>
        let tables: [UnsafeMutablePointer<UInt32>]

        func run(_ range: Range<Int>) {
            for i in range {
                var best: UInt32 = 0
                for t in tables where t[i] > best { best = t[i] }
                let days = best == 0 ? Int32.min : ISODate.days(packed: best)
                out[i] = days
                facts[i] = facts[i].withLastVisit(days: days)
            }
        }
    }

    private static func offsets(_ name: String, _ file: InputFile, _ header: CSVHeader,
                                _ options: EMRLoadOptions) -> [Int] {
        options.splitOffsets[name]
            ?? ParallelCSV.evenOffsets(size: file.size, dataStart: header.dataStart, workers: options.threads)
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
