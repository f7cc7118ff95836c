import CPARCore

/// Uniform draws for sample data from the project's one seeded generator (SplitMix64), so sample data is
/// byte-identical per seed.
extension SeededRandom {
    /// Uniform in 0..<bound (bound > 0), by multiply-shift.
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: bound).multipliedFullWidth(by: next())).high)
    }

    /// True with probability `percent`/100.
    @inline(__always)
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    @inline(__always)
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
