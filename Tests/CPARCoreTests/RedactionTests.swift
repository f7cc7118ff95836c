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

@Suite struct RegistryCodeAndFreeTextTests {
    @Test func registryCodesAreKeptOnlyInTheRegistrySyntax() {
        for ok in ["E101", "PANEL_UNKNOWN", "A.B-C_9", "X", String(repeating: "A", count: 64), "E12345"] {
            #expect(Redaction.registryCode(ok) == ok, "\(ok)")
        }
        for bad in ["", "Smith", "SMITH, JOHN", "e101", "E 101", "PHN_123456789", "E-123-456", "DOB_1980-05-01",
                    "E101\n", "É101", String(repeating: "A", count: 65), "CODE<x>", "A\u{202E}B"] {
            #expect(Redaction.registryCode(bad) == nil, "\(bad)")
        }
        let (kept, dropped) = Redaction.registryCodes(["E1", "Zed-Family", "E2"])
        #expect(kept == ["E1", "E2"] && dropped == 1)
    }

    @Test func freeTextKeepsWordsAndDropsNumbersThatMayIdentifyAPatient() {
        #expect(Redaction.freeText("fixed PHNs after the audit") == "fixed PHNs after the audit")
        #expect(Redaction.freeText("PHN 123456789 fixed") == "PHN [redacted] fixed")
        #expect(Redaction.freeText("PHN 1234-56789 fixed") == "PHN [redacted] fixed")
        #expect(Redaction.freeText("born 1980-05-01 / 01/05/80") == "born [redacted] / [redacted]")
        #expect(Redaction.freeText("ticket 12345, room 4") == "ticket 12345, room 4")
        #expect(Redaction.freeText("Dr. Côté (ops@clinic.example)") == "Dr. Côté (ops@clinic.example)")
        // Nothing that could forge a log field, a header or a terminal escape.
        #expect(Redaction.freeText("a\nevent=forged \"x\" <b> \u{1B}[31m") == "a eventforged x b [31m")
        // Scrubbing twice changes nothing (spool text is scrubbed when read and again when stored).
        let once = Redaction.freeText("PHN 123456789, born 1980-05-01")
        #expect(Redaction.freeText(once) == once)
        #expect(Redaction.freeText("   ") == nil)
        #expect(Redaction.freeText(nil) == nil)
        #expect(Redaction.freeText(String(repeating: "w", count: 500))?.count == Redaction.maxFreeTextLength)
    }

    @Test func refusalsQuotingAFileAreScrubbedToo() {
        #expect(Redaction.scrubQuoting("line 2: unknown key '123456789'") == "line 2: unknown key '[redacted]'")
        #expect(Redaction.scrubQuoting("no panel '4711'") == "no panel '4711'")
    }

    @Test func submissionIDsSurviveScrubbing() {
        // Random UUIDs often hold digit groups that, chained by dashes, look like a long number.
        let id = "78920489-4b2c-4123-8123-123456789012"
        #expect(Redaction.scrub("tracking ID T1 already belongs to submission \(id)") ==
                "tracking ID T1 already belongs to submission \(id)")
        #expect(Redaction.scrubQuoting("submission \(id.uppercased()).") == "submission \(id.uppercased()).")
        // Not a UUID (a letter follows, or a group is short): the digit rules still apply.
        #expect(Redaction.scrub("x 12345678-1234-1234-1234-123456789012z") == "x [redacted]z")
        #expect(Redaction.scrub("x 123456789-1234") == "x [redacted]")
    }
}
