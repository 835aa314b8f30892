import Foundation
import Testing

/// The bash completion completes option values: driven through its own function, as bash
/// calls it on Tab.
@Suite struct CompletionTests {
    /// What the completion offers for the words typed (the last one being completed), run in `folder`.
    static func complete(_ words: [String], in folder: String) throws -> [String] {
        let script = try BinaryRunner.run(["--generate-completion-script", "bash"])
        let file = folder + "/arenascope.bash"
        try script.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let quoted = ([BinaryRunner.binary.path] + words).map { "'\($0)'" }.joined(separator: " ")
        let driver = """
            cd '\(folder)' && source '\(file)'
            COMP_WORDS=(\(quoted)); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
            _arenascope "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let run = try BinaryRunner.run(["-c", driver], executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        return run.stdout.split(separator: "\n").map(String.init)
    }

    @Test func optionValuesAreCompleted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-completion-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["run.arec", "notes.txt", "htab.shape"] { try Data().write(to: URL(fileURLWithPath: folder + "/" + name)) }

        #expect(try Self.complete(["snapshot", "--emulate", ""], in: folder) == ["list", "hashtab", "rbtree", "frag", "churn", "leaky"])
        #expect(try Self.complete(["objects", "--emulate", "h"], in: folder) == ["hashtab"])
        #expect(Set(try Self.complete(["demo", "--theme", ""], in: folder)).isSuperset(of: ["dark", "light", "high-contrast", "mono"]), "themes found as --theme finds them")
        #expect(try Self.complete(["info", ""], in: folder) == ["run.arec"], "recordings, not other files")
        #expect(try Self.complete(["snapshot", "--replay", "r"], in: folder) == ["run.arec"])
        #expect(try Self.complete(["objects", "--emulate", "list", "--shape", ""], in: folder) == ["htab.shape"])
        // The default command's options before any subcommand, as for `arenascope --emulate list`.
        #expect(try Self.complete(["--em"], in: folder) == ["--emulate"])
        #expect(try Self.complete(["--emulate", "l"], in: folder) == ["list", "leaky"])
        #expect(try Self.complete(["--emulate", "list", "--the"], in: folder) == ["--theme"])
        #expect(try Self.complete(["sn"], in: folder) == ["snapshot"], "subcommands as before")
        // Map ids come from the live arenas where this user may list them; here it runs, and says nothing on stderr.
        _ = try Self.complete(["snapshot", "--map-id", ""], in: folder)
    }
}
