import CPARCore
import Testing

/// The one `key = value` reader behind the config file and spool request files.
@Suite struct KeyValueLinesTests {
    @Test func linesCommentsBOMAndCRLF() throws {
        let text = "\u{FEFF}# a comment\r\n\r\n  panel = 1001  \r\nreason\t=\tfixed #3 # not a comment here\n= empty key\nx=\n"
        let spool = try KeyValueLines.parse(text, inlineComments: false)
        #expect(spool.map(\.number) == [3, 4, 5, 6])
        #expect(spool.map(\.key) == ["panel", "reason", "", "x"])
        #expect(spool.map(\.value) == ["1001", "fixed #3 # not a comment here", "empty key", ""])
        let config = try KeyValueLines.parse(text, inlineComments: true)
        #expect(config[1].value == "fixed", "the config file's # starts a comment anywhere")
    }

    @Test func aLineWithoutAnEqualsSignIsMalformedWithItsNumber() {
        #expect(throws: KeyValueLines.Malformed(line: 3)) {
            try KeyValueLines.parse("a = 1\n# c\nno equals here\nb = 2\n", inlineComments: true)
        }
        // A comment-only line is fine in both modes; in the config, so is a line that is only a trailing comment.
        #expect((try? KeyValueLines.parse("  # x\n", inlineComments: false)) == [])
        #expect((try? KeyValueLines.parse("   # y = z\n", inlineComments: true)) == [])
    }
}
