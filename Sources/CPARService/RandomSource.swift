/// The engine's one source of randomness (submission ids, retry jitter), shared by its parts; a seeded generator in
/// tests.
final class RandomSource {
    var generator: AnyRandom
    init(_ base: any RandomNumberGenerator) { generator = AnyRandom(base: base) }
}

/// A concrete generator wrapping any other, so the engine can take a seeded one in tests.
public struct AnyRandom: RandomNumberGenerator {
    var base: any RandomNumberGenerator
    public mutating func next() -> UInt64 { base.next() }
}
