import Dispatch

/// Work split over Dispatch's worker threads with owned per-worker results: no shared mutable state, no lock.
public enum Parallel {
    /// `body(k)` for every k in 0..<count, run concurrently; the results in k order.
    public static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: count) { k in (slots.base + k).initialize(to: body(k)) }
            initialized = count
        }
    }

    /// `[element(0), …, element(count - 1)]`, made in `slices` contiguous ranges at once (each worker writes its own
    /// range of the result, nothing is copied afterwards).
    public static func array<T>(count: Int, slices: Int, _ element: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let slices = max(1, min(slices, count))
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: slices) { s in
                for i in count * s / slices..<count * (s + 1) / slices { (slots.base + i).initialize(to: element(i)) }
            }
            initialized = count
        }
    }

    // @unchecked: worker k initialises slot k (or, in `array`, slice k's range) only; the buffer outlives `concurrentPerform`, which waits for all.
    private struct Slots<T>: @unchecked Sendable { let base: UnsafeMutablePointer<T> }
}
