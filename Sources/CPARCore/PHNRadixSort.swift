/// Stable LSD radix sorts by a PHN value (nine digits: below 2^30), ten bits a pass, three passes. Sorting a
/// million PHNs this way takes a fraction of a comparison sort's time, and equal PHNs keep their order.
enum PHNRadixSort {
    /// Sorts PHN values (each below 2^30).
    static func sort(_ values: inout [UInt32]) {
        sort(&values) { $0 }
    }

    /// Sorts keys by their high 32 bits, a PHN value (below 2^30); keys with equal high words keep their order.
    static func sortByHighWord(_ keys: inout [UInt64]) {
        sort(&keys) { UInt32(truncatingIfNeeded: $0 >> 32) }
    }

    @inline(__always)
    private static func sort<T>(_ values: inout [T], by value: (T) -> UInt32) {
        guard values.count > 1 else { return }
        if values.count < 64 {
            // Small: an insertion sort (stable) beats three counting passes over 1024 buckets.
            values.withUnsafeMutableBufferPointer { v in
                for i in 1..<v.count {
                    let x = v[i], key = value(x)
                    var j = i
                    while j > 0 && value(v[j - 1]) > key { v[j] = v[j - 1]; j -= 1 }
                    v[j] = x
                }
            }
            return
        }
        var scratch = values
        var counts = [Int](repeating: 0, count: 1024)
        for shift in stride(from: UInt32(0), to: 30, by: 10) {
            values.withUnsafeBufferPointer { from in
                scratch.withUnsafeMutableBufferPointer { to in
                    counts.withUnsafeMutableBufferPointer { counts in
                        counts.update(repeating: 0)
                        for v in from { counts[Int((value(v) >> shift) & 1023)] += 1 }
                        var total = 0
                        for b in 0..<1024 { let c = counts[b]; counts[b] = total; total += c }
                        for v in from {
                            let b = Int((value(v) >> shift) & 1023)
                            to[counts[b]] = v
                            counts[b] += 1
                        }
                    }
                }
            }
            swap(&values, &scratch)
        }
    }
}
