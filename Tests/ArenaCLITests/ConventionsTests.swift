import Foundation
import Testing
@testable import ArenaCLI

/// What bpftool's users type works here too: -V, -j/--json and -p/--pretty before the
/// subcommand, errors as JSON on stdout with --json; and a terminal that cannot draw gets
/// text, not a broken screen.
@Suite struct ConventionsTests {
    @Test func globalJSONFlagsGoAfterTheSubcommand() {
        let names = ["list", "workloads", "help"]
        #expect(CommandLineConventions(["-V"], subcommands: names).arguments == ["--version"])
        let json = CommandLineConventions(["-j", "list"], subcommands: names)
        #expect(json.arguments == ["list", "--json"] && json.json && !json.pretty)
        let pretty = CommandLineConventions(["--pretty", "workloads", "--seed", "2"], subcommands: names)
        #expect(pretty.arguments == ["workloads", "--json", "--seed", "2"] && pretty.pretty)
        #expect(CommandLineConventions(["list", "-j", "--json"], subcommands: names).arguments == ["list", "--json"], "said twice, passed once")
        #expect(CommandLineConventions(["read", "--", "-p"], subcommands: names).arguments == ["read", "--", "-p"], "after --, an argument")
        #expect(CommandLineConventions(["--emulate", "list"], subcommands: names).arguments == ["--emulate", "list"])
    }

    @Test func prettyJSONIsTheSameJSONIndented() throws {
        let compact = #"{"a":[1,{"b":"x, {y}: \"z\""}],"c":{},"d":[]}"#
        let indented = JSONWriter.indented(compact)
        #expect(
            indented == """
                {
                  "a": [
                    1,
                    {
                      "b": "x, {y}: \\"z\\""
                    }
                  ],
                  "c": {},
                  "d": []
                }
                """)
        let parsed = try JSONSerialization.jsonObject(with: Data(indented.utf8)) as? [String: Any]
        #expect((parsed?["a"] as? [Any])?.count == 2)
    }

    @Test func theBinaryTakesBpftoolsFlagsAndGivesErrorsAsJSON() throws {
        #expect(try BinaryRunner.run(["-V"]).stdout == "0.1.0\n")
        let pretty = try BinaryRunner.run(["-p", "workloads"])
        #expect(pretty.status == 0 && pretty.stdout.hasPrefix("[\n  {\n    \"name\": \"list\","), "\(pretty.stdout.prefix(80))")
        let failed = try BinaryRunner.run(["--json", "snapshot", "--replay", "/nonexistent.arec"])
        #expect(failed.status == 66 && failed.stderr.hasPrefix("arenascope: error: no file at /nonexistent.arec"))
        let error = try #require(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [String: Any], "\(failed.stdout)")
        #expect(error["error"] as? String == "no file at /nonexistent.arec" && error["status"] as? Int == 66)
        #expect(try BinaryRunner.run(["snapshot", "--replay", "/nonexistent.arec"]).stdout.isEmpty, "without --json, stdout stays empty")
    }

    /// Ctrl-C (or SIGTERM) ends the headless demo as its last sample would: status 0, the page map once more.
    @Test func theHeadlessDemoEndsCleanlyOnASignal() throws {
        let demo = try BackgroundProcess(BinaryRunner.binary.path, ["demo", "--headless", "--samples", "100000"])
        #expect(demo.wait(upTo: 20) { demo.stdout.contains("sample    3") }, "\(demo.stderr)")
        #expect(demo.stop() == 0)
        #expect(demo.stdout.components(separatedBy: "page map: ").count == 3, "the first and the last page map")
    }

    @Test func withoutATerminalThatDrawsTheDemoIsText() throws {
        // Output into a pipe: the default command runs the headless demo.
        let piped = try BinaryRunner.run([])
        #expect(piped.status == 0 && piped.stdout.hasPrefix("source     emulated workload=churn"), "\(piped.stderr)")
        // A source named but no terminal: one line, its own status (not a usage error).
        let inspector = try BinaryRunner.run(["--emulate", "list"])
        #expect(inspector.status == 78 && inspector.stderr.contains("the inspector needs a terminal"))
        let recorded = FileManager.default.temporaryDirectory.appendingPathComponent("conventions-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: recorded) }
        try Data().write(to: URL(fileURLWithPath: recorded))
        let exists = try BinaryRunner.run(["record", "--emulate", "list", "--frames", "1", "-o", recorded])
        #expect(exists.status == 73 && exists.stderr.contains("exists (use --force to replace it)"), "\(exists.status) \(exists.stderr)")
    }
}
