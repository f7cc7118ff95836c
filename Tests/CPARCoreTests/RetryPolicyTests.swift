import Testing
@testable import CPARCore

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(minBackoff: 300, maxBackoff: 3600, maxLifetime: 5 * 86400)

    @Test func exponentialWithEqualJitter() {
        var rng = SeededRandom(seed: 42)
        // base = 300·2^(n−1) capped at 3600: 300, 600, 1200, 2400, 3600, 3600 …
        let bases = [300, 600, 1200, 2400, 3600, 3600, 3600]
        for (i, base) in bases.enumerated() {
            for _ in 0..<200 {
                let d = policy.delay(afterAttempt: i + 1, retryAfter: nil, random: &rng)
                #expect(d >= max(300, base / 2) && d <= base, "attempt \(i + 1): \(d)")
            }
        }
    }

    @Test func jitterActuallyVaries() {
        var rng = SeededRandom(seed: 1)
        let delays = Set((0..<50).map { _ in policy.delay(afterAttempt: 4, retryAfter: nil, random: &rng) })
        #expect(delays.count > 10)
        #expect(delays.contains { $0 < 2000 } && delays.contains { $0 > 2000 })
    }

    @Test func sameSeedSameDelays() {
        var a = SeededRandom(seed: 99), b = SeededRandom(seed: 99)
        let x = (1...10).map { policy.delay(afterAttempt: $0, retryAfter: nil, random: &a) }
        let y = (1...10).map { policy.delay(afterAttempt: $0, retryAfter: nil, random: &b) }
        #expect(x == y)
    }

    @Test func neverBelowMinimumEvenForFirstAttempt() {
        var rng = SeededRandom(seed: 3)
        for n in [-3, 0, 1] {
            for _ in 0..<100 { #expect(policy.delay(afterAttempt: n, retryAfter: nil, random: &rng) == 300) }
        }
    }

    @Test func hugeAttemptNumbersDoNotOverflow() {
        var rng = SeededRandom(seed: 5)
        for n in [40, 62, 63, 64, 1000, Int.max] {
            let d = policy.delay(afterAttempt: n, retryAfter: nil, random: &rng)
            #expect(d >= 1800 && d <= 3600)
        }
    }

    @Test func retryAfterIsHonouredAndClamped() {
        var rng = SeededRandom(seed: 8)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 900, random: &rng) == 900)
        #expect(policy.delay(afterAttempt: 5, retryAfter: 7, random: &rng) == 300)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 86400, random: &rng) == 3600)
        #expect(policy.delay(afterAttempt: 1, retryAfter: -5, random: &rng) == 300)
    }

    @Test func givesUpAtLifetime() {
        #expect(!policy.givesUp(created: 1000, now: 1000))
        #expect(!policy.givesUp(created: 1000, now: 1000 + 5 * 86400 - 1))
        #expect(policy.givesUp(created: 1000, now: 1000 + 5 * 86400))
        #expect(policy.givesUp(created: 1000, now: 1000 + 6 * 86400))
    }

    @Test func nonsenseSettingsAreMadeSafe() {
        let p = RetryPolicy(minBackoff: 0, maxBackoff: 0, maxLifetime: 10)
        #expect(p.minBackoff == 1 && p.maxBackoff == 1)
        var rng = SeededRandom(seed: 0)
        #expect(p.delay(afterAttempt: 3, retryAfter: nil, random: &rng) == 1)
    }

    @Test func httpClassification() {
        for s in [200, 202] { #expect(RetryPolicy.classify(httpStatus: s) == .success) }
        for s in [408, 429, 500, 502, 503, 504] { #expect(RetryPolicy.classify(httpStatus: s) == .retryable) }
        for s in [0, 100, 201, 204, 301, 304, 400, 401, 403, 404, 409, 413, 415, 422, 501, 505, 599, 999] {
            #expect(RetryPolicy.classify(httpStatus: s) == .permanent, "\(s)")
        }
    }

    @Test func seededRandomIsSplitMix64() {
        // Reference outputs of SplitMix64 seeded with 0.
        var r = SeededRandom(seed: 0)
        #expect(r.next() == 0xE220A8397B1DCDAF)
        #expect(r.next() == 0x6E789E6AA1B965F4)
        #expect(r.next() == 0x06C45D188009454F)
    }
}
