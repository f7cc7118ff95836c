import Testing
@testable import CPARCLI

@Suite("argument parsing and small CLI pieces")
struct ArgumentsTests {
    let spec = OptionSpec(values: ["panel", "facility"], flags: ["json"], positionals: 0...1)

    @Test func optionsFlagsAndPositionals() throws {
        let a = try Arguments(["P1", "--panel", "7", "--facility=1", "--facility", "2", "--json", "--config", "c"], spec: spec)
        #expect(a.positionals == ["P1"])
        #expect(try a.value("panel") == "7")
        #expect(a.all("facility") == ["1", "2"])
        #expect(a.has("json"))
        #expect(try a.value("config") == "c")
    }

    @Test func doubleDashEndsOptions() throws {
        #expect(try Arguments(["--", "--panel"], spec: spec).positionals == ["--panel"])
    }

    @Test(arguments: [
        (["--nope"], "unknown option --nope"),
        (["--panel"], "--panel needs a value"),
        (["--json=1"], "--json takes no value"),
        (["a", "b"], "unexpected argument 'b'"),
    ])
    func usageErrors(args: [String], message: String) {
        #expect { _ = try Arguments(args, spec: spec) } throws: { "\($0)" == message }
    }

    @Test func configMayComeBeforeTheCommand() {
        #expect(CtlMain.commandFirst(["--config", "c", "panel", "list"]) == ["panel", "list", "--config", "c"])
        #expect(CtlMain.commandFirst(["--config=c", "status"]) == ["status", "--config=c"])
        #expect(CtlMain.commandFirst(["status", "--json"]) == ["status", "--json"])
    }

    @Test func helpAndVersionExitZeroAndUnknownCommandsTwo() {
        #expect(CtlMain.run(["--version"]) == 0)
        #expect(CtlMain.run(["panel", "add", "--help"]) == 0)
        #expect(CtlMain.run(["--help"]) == 0)
        #expect(CtlMain.run([]) == 2)
        #expect(CtlMain.run(["frobnicate"]) == 2)
    }

    @Test func repeatedSingleValueIsAnError() throws {
        let a = try Arguments(["--panel", "1", "--panel", "2"], spec: spec)
        #expect(throws: UsageError.self) { _ = try a.value("panel") }
    }

    @Test func jsonEscapesAndKeepsKeyOrder() {
        let j = JSON.object([("b", 1), ("a", .string("q\"\n\u{01}é")), ("n", nil), ("l", [true, false])])
        #expect(j.rendered(indent: nil) == #"{"b":1,"a":"q\"\n\u0001é","n":null,"l":[true,false]}"#)
    }
}
