import Testing
import CPARCrypto

@Suite struct SHA256Tests {
    private func digest(_ s: String) -> String { SHA256.hex(SHA256.hash(Array(s.utf8))) }

    @Test func fipsVectors() {
        #expect(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func oneMillionAs() {
        var h = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(chunk) }
        #expect(SHA256.hex(h.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingMatchesOneShotForEverySplit() {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hash(data)
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 128, 200, 300] {
            var h = SHA256()
            h.update(Array(data[..<split]))
            data[split...].withUnsafeBytes { h.update($0) }
            #expect(h.finalize() == expected, "split at \(split)")
        }
        var byteByByte = SHA256()
        for b in data { byteByByte.update([b]) }
        #expect(byteByByte.finalize() == expected)
    }

    @Test func oddChunkSizesMatchOneShot() {
        // 100,000 bytes fed in chunks of 1, 3, 7, … 997 bytes (cycling), against the one-shot digest.
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 7) }
        let sizes = [1, 3, 7, 13, 61, 63, 65, 127, 129, 997]
        var h = SHA256()
        var at = 0, k = 0
        data.withUnsafeBytes { all in
            while at < all.count {
                let n = min(sizes[k % sizes.count], all.count - at)
                h.update(UnsafeRawBufferPointer(rebasing: all[at..<at + n]))
                at += n; k += 1
            }
        }
        #expect(SHA256.hex(h.finalize()) == SHA256.hex(SHA256.hash(data)))
        // And a known digest of a streamed input: the NIST 448-bit vector split at an odd place.
        var nist = SHA256()
        nist.update(Array("abcdbcdecdefdefgefghfghighij".utf8))
        nist.update(Array("hijkijkljklmklmnlmnomnopnopq".utf8))
        #expect(SHA256.hex(nist.finalize()) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func paddingBoundaries() {
        // Lengths around the 55/56/64-byte padding boundaries, checked against known digests.
        #expect(digest(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(digest(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(digest(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func finalizeDoesNotConsume() {
        var h = SHA256()
        h.update(Array("ab".utf8))
        _ = h.finalize()
        h.update(Array("c".utf8))
        #expect(SHA256.hex(h.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hexIsLowercase() {
        #expect(SHA256.hex([0x00, 0x0f, 0xab, 0xff]) == "000fabff")
    }
}
