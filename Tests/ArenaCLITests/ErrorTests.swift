import Testing
import Foundation

@Suite struct ErrorTests {
    static let cases: [(arguments: [String], status: Int32, mentions: String)] = [
        (["snapshot"], 64, "choose a source"),
        // Exited 0 before (issue 21): a script's typo must fail.
        (["help", "recrod"], 64, "no command 'recrod' (did you mean 'record'?)"),
        (["--version", "extra"], 64, "--version takes no other arguments"),
        (["chase", "--emulate", "list", "--root", "head", "--field", ""], 64, "--field needs a field name"),
        (["types", "--emulate", "list", "--btf", "/"], 65, "cannot read /: it is a directory"),
        (["snapshot", "--emulate", "list", "--map-id", "3"], 64, "only one source"),
        (["snapshot", "--emulate", "nosuch"], 64, "unknown workload 'nosuch'"),
        (["snapshot", "--emulate", "list", "--pages", "0"], 64, "--pages"),
        (["snapshot", "--emulate", "list", "--pages", "1048577"], 64, "E2BIG"),
        (["snapshot", "--emulate", "list", "--seed", "-1"], 64, "--seed"),
        (["snapshot", "--emulate", "list", "--steps", "lots"], 64, "--steps"),
        (["snapshot", "--frame", "2", "--emulate", "list"], 64, "--frame"),
        (["snapshot", "--emulate", "list", "--bogus"], 64, "--bogus"),
        (["nosuchcommand"], 64, "nosuchcommand"),
        (["read", "--emulate", "list", "--addr", "0x12zz"], 64, "--addr"),
        (["read", "--emulate", "list", "--addr", "99999999999999999999999"], 64, "--addr"),
        (["read", "--emulate", "list"], 64, "--addr"),
        (["read", "--emulate", "list", "--addr", "0x10"], 3, "outside the arena"),
        (["read", "--emulate", "list", "--addr", "0x7f0000100000"], 3, "page 256, which is free"),
        (["read", "--emulate", "list", "--addr", "0x7f0000000000", "--len", "99999999999"], 3, "limit"),
        (["read", "--emulate", "list", "--addr", "0x7f0000000ff0", "--len", "64"], 3, "page 1"),
        (["chase", "--emulate", "list", "--addr", "0x7f0000100000"], 3, "not backed"),
        (["chase", "--emulate", "list", "--addr", "0x7f0000000000", "--max", "0"], 64, "--max"),
        (["chase", "--emulate", "list", "--addr", "0x7f0000000000", "--offset", "0xffffffffffffffff"], 3, "outside the arena"),
        (["snapshot", "--emulate", "list", "--keep-alive"], 64, "--keep-alive"),
        (["snapshot", "--pin", "/sys/fs/bpf/arenascope-does-not-exist"], 66, "nothing is pinned"),
        (["demo", "--samples", "0"], 64, "--samples"),
        (["snapshot", "--emulate", "list", "--steps", "99999999999999"], 64, "--steps must be at most"),
        (["--emulate", "list", "--steps-per-sample", "100001"], 64, "--steps-per-sample"),
        (["record", "--emulate", "list", "--steps-per-frame", "99999999999", "-o", "/tmp/never-written.arec"], 64, "--steps-per-frame"),
        // Mapped where every library error is (CLIError.init), not at each call.
        (["decode", "--emulate", "list", "--addr", "0x7f0000000000", "--type", "struct nosuch"], 64, "no type named 'struct nosuch'"),
        (["demo", "--headless", "--samples", "1", "--theme", "nosuch"], 64, "unknown theme 'nosuch'"),
    ]

    @Test(arguments: cases.indices)
    func badInputIsOneClearLineAndAStatus(index: Int) throws {
        let (arguments, status, mentions) = Self.cases[index]
        let result = try BinaryRunner.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderrLines.count == 1, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("arenascope: error: "))
        #expect(result.stderr.contains(mentions), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        #expect(result.stdout.isEmpty)
    }

    @Test func helpExplainsAndSucceeds() throws {
        let result = try BinaryRunner.run(["--help"])
        #expect(result.status == 0)
        for command in ["snapshot", "read", "chase", "workloads", "demo"] { #expect(result.stdout.contains(command)) }
        let sub = try BinaryRunner.run(["help", "chase"])
        #expect(sub.status == 0 && sub.stdout.contains("--offset"))
        // Every subcommand's help reads as prose: no line-continuation backslash leaks into it.
        for command in [
            "inspect", "demo", "list", "snapshot", "read", "chase", "record", "info", "roots", "objects", "refs", "types", "decode", "workloads", "export",
        ] {
            let help = try BinaryRunner.run(["help", command])
            #expect(help.status == 0 && help.stdout.contains("USAGE: arenascope \(command)"), "help \(command)")
            #expect(!help.stdout.contains("\\\n"), "help \(command) has a stray backslash")
        }
    }
}
