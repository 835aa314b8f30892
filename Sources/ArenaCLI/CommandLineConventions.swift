import Synchronization

/// The conventions bpftool's users bring, turned into arenascope's own arguments before
/// parsing: `-V` is `--version`; `-j`/`--json` and `-p`/`--pretty` (JSON, indented) are
/// accepted before the subcommand as well as after it.
struct CommandLineConventions {
    /// The arguments the parser gets.
    let arguments: [String]
    /// JSON was asked for (errors are then also a JSON object on stdout).
    let json: Bool
    /// Indented JSON was asked for (`-p`, `--pretty`).
    let pretty: Bool

    /// Whether JSON output is indented, for this process.
    static let indenting = Atomic<Bool>(false)
    /// Set once a command has printed its JSON: an error after it (`info` of a damaged file)
    /// is then said in that JSON and on stderr, not in a second document.
    static let printedJSON = Atomic<Bool>(false)

    init(_ given: [String], subcommands: [String]) {
        guard given != ["-V"] else {
            (arguments, json, pretty) = (["--version"], false, false)
            return
        }
        let jsonFlags: Set<String> = ["-j", "--json"], prettyFlags: Set<String> = ["-p", "--pretty"]
        // Up to "--", where options end.
        let end = given.firstIndex(of: "--") ?? given.endIndex
        let options = given[..<end]
        pretty = options.contains { prettyFlags.contains($0) }
        json = pretty || options.contains { jsonFlags.contains($0) }
        var rest = options.filter { !jsonFlags.contains($0) && !prettyFlags.contains($0) }
        if json {
            // After the subcommand when one is named (bpftool's `-j prog show`), else where the default command takes it.
            let at = rest.first.map { subcommands.contains($0) } == true ? 1 : 0
            rest.insert("--json", at: at)
        }
        arguments = rest + given[end...]
    }
}

extension JSONWriter {
    /// The text as printed: indented two spaces a level when `-p` asked for it.
    var printed: String {
        CommandLineConventions.printedJSON.store(true, ordering: .relaxed)
        return CommandLineConventions.indenting.load(ordering: .relaxed) ? Self.indented(text) : text
    }

    /// Compact JSON text indented, one member or element a line; strings are kept as they are.
    static func indented(_ compact: String) -> String {
        var output = "", level = 0, inString = false, escaped = false
        var characters = Array(compact).makeIterator(), pending: Character? = nil
        func newline() { output += "\n" + String(repeating: "  ", count: level) }
        while let character = pending ?? characters.next() {
            pending = nil
            if inString {
                output.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"":
                inString = true
                output.append(character)
            case "{", "[":
                let next = characters.next()
                if next == "}" || next == "]" {
                    output.append(character)
                    output.append(next!)
                } else {
                    output.append(character)
                    level += 1
                    newline()
                    pending = next
                }
            case "}", "]":
                level = max(0, level - 1)
                newline()
                output.append(character)
            case ",":
                output.append(character)
                newline()
            case ":": output += ": "
            default: output.append(character)
            }
        }
        return output
    }
}
