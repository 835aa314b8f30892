import Foundation
import Testing

/// The bash, zsh and fish completions complete option values, each driven as its shell drives it
/// on Tab: bash through the completion function, zsh through a completion widget in a pseudo-terminal
/// (zpty), fish through `complete -C`.
@Suite struct CompletionTests {
    enum Shell: String, CaseIterable { case bash, zsh, fish }

    /// A folder with a recording, a shape file and another file, and one beside it for the
    /// completion scripts; both removed afterwards.
    final class Folder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-completion-\(UUID().uuidString)").path
        var scripts: String { path + "-scripts" }
        init() throws {
            for folder in [path, scripts] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            for name in ["run.arec", "notes.txt", "htab.shape"] { try Data().write(to: URL(fileURLWithPath: path + "/" + name)) }
        }
        deinit { for folder in [path, scripts] { try? FileManager.default.removeItem(atPath: folder) } }
    }

    /// What `shell`'s completion offers for the words typed after `arenascope` (the last one being
    /// completed), run in `folder`, with the binary found on PATH as users start it.
    static func complete(_ words: [String], shell: Shell, in folder: Folder) throws -> Set<String> {
        let script = try BinaryRunner.run(["--generate-completion-script", shell.rawValue])
        let scripts = folder.scripts + "/" + shell.rawValue
        try FileManager.default.createDirectory(atPath: scripts, withIntermediateDirectories: true)
        let file = scripts + "/" + (shell == .zsh ? "_arenascope" : "arenascope")
        try script.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let line = (["arenascope"] + words).joined(separator: " ")
        let run: BinaryRunner.Result
        switch shell {
        case .bash:
            let quoted = (["arenascope"] + words).map { "'\($0)'" }.joined(separator: " ")
            run = try runShell(
                "bash",
                [
                    "-c",
                    """
                    cd '\(folder.path)' && source '\(file)'
                    COMP_WORDS=(\(quoted)); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
                    _arenascope "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                    printf '%s\\n' "${COMPREPLY[@]}"
                    """,
                ])
        case .zsh:
            // An interactive zsh in a pseudo-terminal types the line and Tab; compadd, wrapped,
            // writes what completion adds to a file, and the shell exits once completion is done.
            let added = folder.scripts + "/zsh-added"
            try? FileManager.default.removeItem(atPath: added)
            run = try runShell(
                "zsh",
                [
                    "-f", "-c",
                    """
                    cd '\(folder.path)'
                    zmodload zsh/zpty
                    zpty z zsh -f -i
                    zpty -w z "PS1=''; fpath=('\(scripts)' \\$fpath); autoload -U compinit; compinit -u -D"
                    zpty -w z "compadd() { if [[ \\${@[1,(i)(-|--)]} == *-(O|A|D)\\\\ * ]]; then builtin compadd \\"\\$@\\"; return; fi; local -a hits; builtin compadd -A hits \\"\\$@\\"; print -l -- \\$hits >> '\(added)'; builtin compadd \\"\\$@\\" }"
                    zpty -w z "comppostfuncs=(exit); bindkey '^I' complete-word"
                    zpty -w -n z '\(line)'$'\\t'
                    while zpty -r z output; do :; done 2>/dev/null
                    zpty -d z
                    cat '\(added)' 2>/dev/null; true
                    """,
                ])
        case .fish:
            run = try runShell("fish", ["-c", "cd '\(folder.path)'; source '\(file)'; complete -C '\(line)'"])
        }
        #expect(run.status == 0 && run.stderr.isEmpty, "\(shell): \(run.stderr)")
        // fish prints each candidate's description after a tab.
        return Set(run.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") })
    }

    /// Runs `shell` from PATH with the binary's folder first on PATH.
    static func runShell(_ shell: String, _ arguments: [String]) throws -> BinaryRunner.Result {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let folder = BinaryRunner.binary.deletingLastPathComponent().path
        guard let executable = path.split(separator: ":").map({ "\($0)/\(shell)" }).first(where: FileManager.default.isExecutableFile) else {
            Issue.record("\(shell) is not installed (scripts/setup --tests installs it)")
            return BinaryRunner.Result(status: 0, stdout: "", stderr: "")
        }
        return try BinaryRunner.run(arguments, environment: ["PATH": folder + ":" + path], executable: URL(fileURLWithPath: executable))
    }

    @Test(arguments: Shell.allCases) func optionValuesAreCompleted(shell: Shell) throws {
        let folder = try Folder()
        #expect(try Self.complete(["snapshot", "--emulate", ""], shell: shell, in: folder) == ["list", "hashtab", "rbtree", "frag", "churn", "leaky", "slab"])
        #expect(try Self.complete(["objects", "--emulate", "h"], shell: shell, in: folder) == ["hashtab"])
        #expect(try Self.complete(["snapshot", "--replay", "r"], shell: shell, in: folder) == ["run.arec"])
        #expect(try Self.complete(["info", ""], shell: shell, in: folder) == ["run.arec"], "recordings, not other files")
        #expect(try Self.complete(["objects", "--emulate", "list", "--shape", "h"], shell: shell, in: folder) == ["htab.shape"])
        // The default command's options before any subcommand, as for `arenascope --emulate list`.
        #expect(try Self.complete(["--em"], shell: shell, in: folder) == ["--emulate"])
        #expect(try Self.complete(["--emulate", "l"], shell: shell, in: folder) == ["list", "leaky"])
        #expect(try Self.complete(["--emulate", "list", "--the"], shell: shell, in: folder) == ["--theme"])
        #expect(try Self.complete(["sn"], shell: shell, in: folder) == ["snapshot"], "subcommands as before")
    }

    /// Values only the running binary knows (themes, live map ids) come from it. fish asks for
    /// them with the cursor's place in the line, which `complete -C` outside an interactive
    /// session cannot give, so bash and zsh check them.
    @Test(arguments: [Shell.bash, .zsh]) func valuesFromTheBinaryAreCompleted(shell: Shell) throws {
        let folder = try Folder()
        let themes: Set = ["dark", "light", "high-contrast", "mono"]
        #expect(try Self.complete(["demo", "--theme", ""], shell: shell, in: folder).isSuperset(of: themes), "themes found as --theme finds them")
        #expect(try Self.complete(["--theme", ""], shell: shell, in: folder).isSuperset(of: themes), "the default command's --theme")
        #expect(try Self.complete(["--emulate", "list", "--theme", "l"], shell: shell, in: folder) == ["light"])
        // Map ids come from the live arenas where this user may list them; here it runs, and says nothing on stderr.
        _ = try Self.complete(["snapshot", "--map-id", ""], shell: shell, in: folder)
    }
}
