/// Per-patient latest visit as YYYYMMDD (0 = none), one table per worker.
final class VisitTable {
    let dates: UnsafeMutablePointer<UInt32>
    let count: Int
    init(count: Int) {
        self.count = count
        dates = LargeBuffer.allocate(UInt32.self, count: count)
    }
    deinit { LargeBuffer.deallocate(dates, count: count) }
}
