import Testing
@testable import CPARCore

/// Seeded, deterministic fuzz of the parsers that take untrusted or configured time and URL text (SPEC §15): no
/// mutant may trap, and whatever is accepted is inside its documented bounds.
@Suite struct TimeAndConfigFuzzTests {
    static let pieces = ["0", "9", "99999999999999", "9223372036854775807", "-9223372036854775808", "-1", "+", " ", "",
                         ":", ",", "GMT", "Sun", "Feb", "29", "60", "24", "\u{0}", "٣", "1e9", "0x10", "\t"]

    /// Replaces, inserts or deletes a random run of `text` with a random piece.
    static func mutate(_ text: String, _ random: inout SeededRandom) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let at = Int.random(in: 0...scalars.count, using: &random)
            let length = Int.random(in: 0...min(4, scalars.count - at), using: &random)
            let piece = Array(pieces.randomElement(using: &random)!.unicodeScalars)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: scalars.replaceSubrange(at..<(at + length), with: piece)
            case 1: scalars.insert(contentsOf: piece, at: at)
            default: scalars.removeSubrange(at..<(at + length))
            }
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }

    @Test func imfFixdateMutantsNeverTrapAndStayInRange() {
        var random = SeededRandom(seed: 0x5EED_0001)
        let seeds = ["Sun, 06 Nov 1994 08:49:37 GMT", "Thu, 29 Feb 2024 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"]
        for i in 0..<5000 {
            let text = Self.mutate(seeds[i % seeds.count], &random)
            if let t = Timestamp.parseIMFFixdate(text) {
                // Four-digit years only: between year 0 and the end of 9999.
                #expect(t >= -62_167_219_200 && t < 253_402_300_800, "\(text.debugDescription)")
                _ = Timestamp.iso8601(t)
            }
            let now = Int64(bitPattern: random.next())
            _ = Timestamp.iso8601(now)
            _ = Timestamp.rfc5322(now)
        }
    }

    @Test func durationMutantsAreRefusedOrWithinTheirLimits() {
        var random = SeededRandom(seed: 0x5EED_0002)
        for i in 0..<5000 {
            let key = ConfigDuration.limits.keys.sorted()[i % ConfigDuration.limits.count]
            let text = Self.mutate(["30s", "5m", "1h", "5d", "366d", "2147483647d"][i % 6], &random)
            if case .success(let seconds) = ConfigDuration.parse(text, key: key) {
                #expect(ConfigDuration.limits[key]!.contains(seconds), "\(key) = \(text.debugDescription)")
            }
        }
    }

    @Test func urlMutantsAreRefusedOrUsable() {
        var random = SeededRandom(seed: 0x5EED_0003)
        let seeds = ["https://127.0.0.1:8443/cpar", "https://[::1]:8443/", "https://registry.example.org/a/b"]
        for i in 0..<5000 {
            let text = Self.mutate(seeds[i % seeds.count], &random)
            guard ServiceURL.problem(text, schemes: ["https"]) == nil else { continue }
            #expect(text.hasPrefix("https://"), "\(text.debugDescription)")
            #expect(text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }, "\(text.debugDescription)")
            if let port = text.dropFirst(8).split(separator: "/").first?.split(separator: ":").last,
               !text.dropFirst(8).hasPrefix("["), text.dropFirst(8).split(separator: "/").first!.contains(":") {
                #expect(Int(port).map { (1...65535).contains($0) } == true, "\(text.debugDescription)")
            }
        }
    }
}
