/// Keys waiting for a batched patient-index lookup, with their rows' dates.
final class LookupBatch {
    static let capacity = 32
    /// Longer keys are looked up at once.
    static let keyCapacity = 32
    let keys = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * keyCapacity)
    let lengths = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    let dates = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
    let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
    /// Patient index per key after `PatientIndex.lookup(_:count:)`, -1 when absent.
    let found = UnsafeMutablePointer<Int>.allocate(capacity: capacity)

    deinit {
        keys.deallocate(); lengths.deallocate(); dates.deallocate(); hashes.deallocate(); found.deallocate()
    }

    @inline(always)
    func set(_ j: Int, key: UnsafeBufferPointer<UInt8>, date: UInt32) {
        if key.count > 0 { (keys + j * LookupBatch.keyCapacity).update(from: key.baseAddress!, count: key.count) }
        lengths[j] = key.count
        dates[j] = date
    }

    @inline(always)
    func key(_ j: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: keys + j * LookupBatch.keyCapacity, count: lengths[j])
    }
}
