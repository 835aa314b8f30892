import Foundation
import ArgumentParser
import Glibc
import ArenaModel
import ArenaText
import ArenaEmulator

/// The `arenascope` command line.
public struct ArenaScope: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "arenascope",
        abstract: "Look inside Linux BPF arenas: page states, free ranges, bytes and pointer chains.",
        discussion: """
            Without a subcommand arenascope opens the interactive inspector on a source: an emulated \
            arena (--emulate WORKLOAD), a live kernel arena (--map-id ID or --pin PATH) or a recording \
            (--replay FILE). Without a source it offers the live arenas to choose from (as root), or \
            starts the demo. Headless subcommands print text, or JSON with --json; errors are one \
            line on stderr with a documented exit status. Press ? in the inspector for its keys.
            """,
        version: "0.1.0",
        subcommands: [
            InspectCommand.self, DemoCommand.self, ListCommand.self, SnapshotCommand.self, ReadCommand.self, ChaseCommand.self,
            RecordCommand.self, InfoCommand.self, RootsCommand.self, ObjectsCommand.self, RefsCommand.self, TypesCommand.self, DecodeCommand.self,
            WorkloadsCommand.self,
            ExportCommand.self, ManualSectionsCommand.self,
        ],
        defaultSubcommand: InspectCommand.self)

    public init() {}

    /// Parses `arguments` (the process's when nil), runs the command and exits.
    /// Errors become one line on stderr and a status from `ExitStatus`.
    public static func runAndExit(_ arguments: [String]? = nil) -> Never {
        // A file-size limit (ulimit -f) makes a write fail with EFBIG, reported like a full
        // disk with what was kept, instead of killing the process mid-file.
        signal(SIGXFSZ, SIG_IGN)
        let conventions = CommandLineConventions(arguments ?? Array(CommandLine.arguments.dropFirst()), subcommands: commandNames)
        CommandLineConventions.indenting.store(conventions.pretty, ordering: .relaxed)
        if conventions.arguments.count == 2, conventions.arguments[0] == "--generate-completion-script",
            let shell = CompletionShell(rawValue: conventions.arguments[1])
        {
            print(ShellCompletion.script(for: shell), terminator: "")
            Self.exit()
        }
        do {
            try refuseWhatTheParserLetsThrough(conventions.arguments)
            var command = try parseAsRoot(conventions.arguments)
            try command.run()
            Self.exit()
        } catch {
            let code = exitCode(for: error)
            if code == .success { Self.exit(withError: error) }
            let failure: CLIError
            if code == .validationFailure {
                let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
                failure = CLIError(message + " (see 'arenascope help')", status: .usage)
            } else {
                failure = CLIError(error)
            }
            printError("arenascope: error: " + failure.message)
            // A script that reads stdout for JSON gets the error there too, as bpftool gives it.
            if conventions.json && !CommandLineConventions.printedJSON.load(ordering: .relaxed) {
                var json = JSONWriter()
                json.beginObject()
                json.string(failure.message, "error")
                json.number(failure.status.rawValue, "status")
                json.endObject()
                print(json.printed)
            }
            Self.exit(withError: ExitCode(failure.status.rawValue))
        }
    }
}

extension ArenaScope {
    /// The subcommands' names, and help.
    static var commandNames: [String] { configuration.subcommands.map { $0._commandName } + ["help"] }

    /// `help nosuch` and `--version extra` printed help or the version and exited 0: a
    /// script's typo must fail (64).
    static func refuseWhatTheParserLetsThrough(_ arguments: [String]) throws(CLIError) {
        if arguments.contains("--version") && arguments.count > 1 {
            throw CLIError("--version takes no other arguments (see 'arenascope help')", status: .usage)
        }
        if arguments.first == "help", arguments.count > 1, let wanted = arguments.dropFirst().first(where: { !commandNames.contains($0) }) {
            let close = closeMatches(to: wanted, among: commandNames)
            throw CLIError(
                "no command '\(wanted)'" + (close.isEmpty ? "" : " (did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?)")
                    + " (see 'arenascope help')", status: .usage)
        }
    }
}

/// Writes one line to standard error. Control characters (from a file name, a theme
/// line, an argument) become '?': an error message never drives the terminal.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line.terminalSafe + "\n").utf8))
}
