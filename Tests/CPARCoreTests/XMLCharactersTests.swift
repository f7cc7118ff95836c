import Testing
@testable import CPARCore

@Suite struct XMLCharactersTests {
    /// The plain definition: a C0 control but tab, LF and CR, or the UTF-8 of U+FFFE / U+FFFF.
    static func reference(_ b: [UInt8]) -> Bool {
        for i in b.indices {
            if b[i] < 0x20 && ![0x09, 0x0A, 0x0D].contains(b[i]) { return true }
            if b[i] == 0xEF && i + 2 < b.count && b[i + 1] == 0xBF && b[i + 2] >= 0xBE { return true }
        }
        return false
    }

    static func check(_ b: [UInt8]) -> Bool { b.withUnsafeBufferPointer { XMLCharacters.containsForbidden($0) } }

    /// Every length up to 40 with a forbidden or allowed byte (or U+FFFE/U+FFFF/U+FFFD) at every position, on
    /// ASCII and multi-byte backgrounds: the word-at-a-time scan agrees with the definition.
    @Test func wordScanAgreesWithTheDefinitionEverywhere() {
        let inserts: [[UInt8]] = [[0x00], [0x01], [0x1F], [0x09], [0x0A], [0x0D], [0x20], [0x7F], [0xEF, 0xBF, 0xBE],
                                  [0xEF, 0xBF, 0xBF], [0xEF, 0xBF, 0xBD], [0xEF, 0xBF], [0xEF], [0xC3, 0xB8]]
        var checked = 0
        for background in [UInt8(0x61), 0xC3] {
            for n in 0...40 {
                let base = [UInt8](repeating: background, count: n)
                #expect(Self.check(base) == Self.reference(base))
                for insert in inserts {
                    for at in 0...n {
                        let b = Array(base[..<at]) + insert + Array(base[at...])
                        #expect(Self.check(b) == Self.reference(b), "\(b)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 10_000)
        #expect(Self.check(Array("Sørensen-Łukasz O'Neil".utf8)) == false)
        #expect(Self.check(Array("Anne\u{7}Marie".utf8)) && Self.check(Array("twelve bytes\u{FFFF}".utf8)))
    }
}
