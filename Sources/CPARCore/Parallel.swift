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

    // @unchecked: worker k initialises slot k only; the buffer outlives `concurrentPerform`, which waits for all.
    private struct Slots<T>: @unchecked Sendable { let base: UnsafeMutablePointer<T> }
}
