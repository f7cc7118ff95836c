/// How failed sends are retried: exponential backoff with equal jitter, `Retry-After` honoured, a lifetime cap. SPEC §7.
public struct RetryPolicy: Equatable, Sendable {
    public enum HTTPClass: Equatable, Sendable { case success, retryable, permanent }

    /// Seconds.
    public var minBackoff: Int
    public var maxBackoff: Int
    public var maxLifetime: Int

    public init(minBackoff: Int, maxBackoff: Int, maxLifetime: Int) {
        self.minBackoff = max(1, minBackoff)
        self.maxBackoff = max(self.minBackoff, maxBackoff)
        self.maxLifetime = maxLifetime
    }

    public init(config: Config) {
        self.init(minBackoff: config.minBackoff, maxBackoff: config.maxBackoff, maxLifetime: config.maxLifetime)
    }

    /// Seconds to wait after failed attempt `n` (1-based). With `retryAfter` (the server's `Retry-After`, seconds):
    /// that value clamped to [min, max]. Otherwise the base min·2^(n−1), capped at max, with equal jitter:
    /// half the base fixed plus a random part up to the other half, never below min.
    public func delay(afterAttempt n: Int, retryAfter: Int?, random: inout some RandomNumberGenerator) -> Int {
        if let retryAfter { return min(max(retryAfter, minBackoff), maxBackoff) }
        let exponent = max(0, n - 1)
        var base = maxBackoff
        if exponent < 62 {
            let (scaled, overflow) = minBackoff.multipliedReportingOverflow(by: 1 << exponent)
            if !overflow { base = min(scaled, maxBackoff) }
        }
        let fixed = base / 2
        let jitter = Int.random(in: 0...(base - fixed), using: &random)
        return max(minBackoff, fixed + jitter)
    }

    /// True when a submission created at `created` has been retried for its whole lifetime (Unix seconds).
    public func givesUp(created: Int64, now: Int64) -> Bool {
        let (age, overflow) = now.subtractingReportingOverflow(created)
        return overflow ? created < 0 : age >= Int64(maxLifetime)
    }

    public static func classify(httpStatus: Int) -> HTTPClass {
        switch httpStatus {
        case 200, 202: return .success
        case 408, 429, 500, 502, 503, 504: return .retryable
        default: return .permanent
        }
    }
}
