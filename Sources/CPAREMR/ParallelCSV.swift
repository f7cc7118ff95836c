import Dispatch

/// Reads a CSV file's data records with several workers over byte ranges, each through its own window.
///
/// Speculation keeps the split exact even when a quoted field holds newlines: worker k starts just after the first
/// LF at or after its nominal offset and stops at the first record boundary at or after worker k+1's start. When
/// that boundary is exactly worker k+1's start, worker k+1 began on a true record start and its results stand
/// (record boundaries are a function of the start offset alone). Otherwise worker k+1 began inside a quoted field:
/// its results are discarded and worker k reads on through its range.
enum ParallelCSV {
    struct Part<Sink> {
        var sink: Sink
        /// File line of the worker's first line: add it to the sink's relative lines.
        let firstLine: Int
        /// Records the worker read (its own range plus any it took over).
        let records: Int
    }

    /// Nominal split offsets for `workers` equal ranges of the data.
    static func evenOffsets(size: Int, dataStart: Int, workers: Int) -> [Int] {
        guard workers > 1 else { return [] }
        let span = max(0, size - dataStart)
        return (1..<workers).map { dataStart + span * $0 / workers }
    }

    /// Reads every data record of `file`. `nominalOffsets` (ascending, one per worker after the first) say where the
    /// workers after the first start looking for a line start. Returns the accepted workers' sinks in file order;
    /// `discarded` counts the workers whose speculative start turned out to be inside a record.
    static func read<Sink: CSVSink>(file: InputFile, header: CSVHeader, nominalOffsets: [Int],
                                    bufferSize: Int = CSVParser.defaultBufferSize,
                                    maxRecord: Int = CSVParser.defaultMaxRecord,
                                    discarded: inout Int,
                                    makeSink: (Int) -> Sink) throws(EMRError) -> [Part<Sink>] {
        var starts = [header.dataStart]
        for nominal in nominalOffsets {
            let from = max(nominal, header.dataStart)
            let start = from >= file.size ? file.size : try file.offsetAfterNewline(from: from)
            starts.append(max(start, starts[starts.count - 1]))
        }
        let count = starts.count
        let slots = try (0..<count).map { (k) throws(EMRError) in
            Slot(parser: try CSVParser(file: file, start: starts[k], line: 0, bufferSize: bufferSize,
                                       maxRecord: maxRecord),
                 sink: makeSink(k))
        }
        let stops = (0..<count).map { $0 + 1 < count ? starts[$0 + 1] : Int.max }
        if count == 1 {
            slots[0].work(until: stops[0])
        } else {
            let shared = Shared(slots: slots, stops: stops)
            DispatchQueue.concurrentPerform(iterations: count) { k in shared.slots[k].work(until: shared.stops[k]) }
        }
        for slot in slots { if let error = slot.error { throw error } }

        // Check each speculative start against the boundary its predecessor reached.
        var accepted = [0]
        var owner = 0
        var boundary = slots[0].end
        for k in 1..<count {
            if boundary == starts[k] {
                accepted.append(k)
                owner = k
                boundary = slots[k].end
                continue
            }
            // Worker k started inside a record: drop it and let the owner read on through its range.
            slots[k].sink = makeSink(k)
            discarded += 1
            if boundary < stops[k] {
                slots[owner].work(until: stops[k])
                if let error = slots[owner].error { throw error }
                boundary = slots[owner].end
            }
        }

        var parts: [Part<Sink>] = []
        var line = header.dataLine
        for k in accepted {
            parts.append(Part(sink: slots[k].sink, firstLine: line, records: slots[k].parser.recordsRead))
            line += slots[k].parser.line
        }
        return parts
    }

    // @unchecked: slot k is used by worker k alone, and by the caller only before or after `concurrentPerform`.
    private final class Slot<S: CSVSink>: @unchecked Sendable {
        var parser: CSVParser
        var sink: S
        var end = 0
        var error: EMRError?

        init(parser: consuming CSVParser, sink: S) {
            self.parser = parser
            self.sink = sink
        }

        func work(until stop: Int) {
            do {
                // One exclusive access to `parser` and `sink` for the whole range, not one per record.
                end = try Slot.drain(&parser, into: &sink, until: stop)
            } catch {
                self.error = error
            }
        }

        private static func drain(_ parser: inout CSVParser, into sink: inout S, until stop: Int) throws(EMRError) -> Int {
            while let record = try parser.nextRecord(before: stop) { sink.consume(record) }
            sink.finish()
            return parser.offset
        }
    }

    private final class Shared<S: CSVSink>: Sendable {
        let slots: [Slot<S>]
        let stops: [Int]
        init(slots: [Slot<S>], stops: [Int]) { self.slots = slots; self.stops = stops }
    }
}
