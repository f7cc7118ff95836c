/// Every patient record of an EMR export, kept where the readers wrote them: a few fixed-size blocks of memory, never
/// copied into one array (at a million patients that copy, and the first touch of its hundred megabytes, cost more
/// than parsing the file). An immutable random-access collection; safe to share between threads.
// @unchecked: every stored property is a `let` set in `init`, the records are only read until `deinit`, and `release`
// runs once, in `deinit`.
public final class PatientTable: RandomAccessCollection, @unchecked Sendable {
    /// The blocks in order, each holding `blockCapacity` records except the last of each `run`.
    private let blocks: [UnsafeMutablePointer<PatientRecord>]
    /// Runs of blocks written one after another: run r starts at record `runStarts[r]` and at block `runBlocks[r]`.
    private let runStarts: [Int]
    private let runBlocks: [Int]
    private let blockShift: Int
    public let count: Int
    private let release: () -> Void

    /// Records in `runs`, each a list of blocks of `1 << blockShift` records but for its last; `release` frees them
    /// once the table is gone (the table deinitialises the records first).
    package init(runs: [(blocks: [UnsafeMutablePointer<PatientRecord>], count: Int)], blockShift: Int,
                 release: @escaping () -> Void) {
        var blocks: [UnsafeMutablePointer<PatientRecord>] = [], starts: [Int] = [], firstBlocks: [Int] = []
        var total = 0
        for run in runs where run.count > 0 {
            precondition(run.blocks.count == (run.count + (1 << blockShift) - 1) >> blockShift, "blocks must fit the count")
            starts.append(total)
            firstBlocks.append(blocks.count)
            blocks += run.blocks
            total += run.count
        }
        self.blocks = blocks; runStarts = starts; runBlocks = firstBlocks; self.blockShift = blockShift
        count = total
        self.release = release
    }

    /// A table holding a copy of `records` (snapshots built in memory, tests).
    public convenience init(_ records: [PatientRecord]) {
        let block = UnsafeMutablePointer<PatientRecord>.allocate(capacity: Swift.max(1, records.count))
        _ = UnsafeMutableBufferPointer(start: block, count: records.count).initialize(from: records)
        var shift = 0
        while 1 << shift < records.count { shift += 1 }
        self.init(runs: [([block], records.count)], blockShift: shift, release: { block.deallocate() })
    }

    deinit {
        for r in runStarts.indices {
            let end = r + 1 < runStarts.count ? runStarts[r + 1] : count
            var left = end - runStarts[r], b = runBlocks[r]
            while left > 0 {
                let n = Swift.min(left, 1 << blockShift)
                blocks[b].deinitialize(count: n)
                left -= n
                b += 1
            }
        }
        release()
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(i: Int) -> PatientRecord { record(at: i).pointee }

    /// Where record `i` is, for reading it in place; valid while the table is alive.
    @inline(__always)
    package func record(at i: Int) -> UnsafePointer<PatientRecord> {
        precondition(i >= 0 && i < count, "patient index out of range")
        var r = runStarts.count - 1
        while runStarts[r] > i { r -= 1 }   // a run per reader thread: a step or two
        let local = i - runStarts[r]
        return UnsafePointer(blocks[runBlocks[r] + (local >> blockShift)] + (local & ((1 << blockShift) - 1)))
    }
}
