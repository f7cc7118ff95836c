import Testing
@testable import CPARCore

@Suite struct RedactionTests {
    @Test func redactsNineDigitRuns() {
        #expect(Redaction.scrub("bad PHN 123425678 in record") == "bad PHN [redacted] in record")
        #expect(Redaction.scrub("PHN 1234-25678.") == "PHN [redacted].")
        #expect(Redaction.scrub("PHN 12342 5678") == "PHN [redacted]")
        #expect(Redaction.scrub("card 1234567890123") == "card [redacted]")
        #expect(Redaction.scrub("a 1 2 3 4 5 6 7 8 9 b") == "a [redacted] b")
    }

    @Test func keepsShorterNumbers() {
        #expect(Redaction.scrub("HTTP 503 after 12345678 bytes") == "HTTP 503 after 12345678 bytes")
        #expect(Redaction.scrub("period 2026-03") == "period 2026-03")
        #expect(Redaction.scrub("20260308") == "20260308")
        // Two separators in a row end the run: 4 + 5 digits are not joined.
        #expect(Redaction.scrub("1234  56789") == "1234  56789")
        #expect(Redaction.scrub("1234 - 56789") == "1234 - 56789")
    }

    @Test func redactsDates() {
        #expect(Redaction.scrub("born 1980-05-01, seen 2026-03-08.") == "born [redacted], seen [redacted].")
        #expect(Redaction.scrub("1980-5-01") == "1980-5-01")
    }

    @Test func flattensControlCharacters() {
        #expect(Redaction.scrub("line one\nline\ttwo\r") == "line one line two ")
    }

    @Test func clipsTo300Characters() {
        let long = String(repeating: "x", count: 1000)
        let out = Redaction.scrub(long)
        #expect(out.count == 300)
        #expect(out.hasSuffix("…"))
        let exact = String(repeating: "y", count: 300)
        #expect(Redaction.scrub(exact) == exact)
    }

    @Test func redactsBeforeClipping() {
        let text = String(repeating: "z", count: 295) + " 123425678"
        let out = Redaction.scrub(text)
        #expect(!out.contains("1234"))
        #expect(out.count == 300)
    }
}
