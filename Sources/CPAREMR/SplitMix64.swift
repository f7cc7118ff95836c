/// A small, seeded, deterministic random generator (SplitMix64), so sample data is byte-identical per seed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    @inline(always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0), by multiply-shift.
    @inline(always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: bound).multipliedFullWidth(by: next())).high)
    }

    /// True with probability `percent`/100.
    @inline(always)
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    @inline(always)
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
