import Foundation

/// The wall clock the service's parts read (Unix seconds), injected into each of them. `CPARD_CLOCK_OFFSET=<seconds>`
/// in the environment shifts it forward: a test hook like `CPARD_CRASH_AT`, so that the end-to-end tests can run
/// "the pass an hour later" with `cpard --once` instead of sleeping and assuming how fast the machine is. Unset in
/// production.
public enum ServiceClock {
    static let offset: Int64 = ProcessInfo.processInfo.environment["CPARD_CLOCK_OFFSET"].flatMap { Int64($0) } ?? 0

    @Sendable public static func now() -> Int64 {
        let (shifted, overflow) = Int64(Date().timeIntervalSince1970).addingReportingOverflow(offset)
        return overflow ? (offset > 0 ? .max : .min) : shifted
    }
}
