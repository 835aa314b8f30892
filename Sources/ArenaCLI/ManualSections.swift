import ArgumentParser
import ArenaUI

/// `arenascope manual-sections` (hidden): the man page's sections that the --help texts do
/// not give, in mdoc, from the same tables the program uses: every exit status, every key of
/// the inspector, the environment and files it reads. scripts/package puts them in the page.
struct ManualSectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual-sections",
        abstract: "Print the man page's EXIT STATUS, KEYS, ENVIRONMENT, FILES, EXAMPLES and SEE ALSO sections (mdoc).",
        shouldDisplay: false)

    func run() {
        print(Self.text, terminator: "")
    }

    static var text: String {
        var lines: [String] = [".Sh \"EXIT STATUS\"", "Every error is one line on standard error and one of these statuses:", ".Bl -tag -width 4n"]
        for status in ExitStatus.allCases { lines += [".It \(status.rawValue)", roff(status.meaning)] }
        lines += [".El", "With --json, an error is also one JSON object on standard output: {\"error\": ..., \"status\": N}."]
        lines += [".Sh KEYS", "The inspector's keys (? shows them in it):", ".Bl -tag -width 8n"]
        for binding in KeyBindings.all {
            let place = binding.pane.map { " (\($0.title.lowercased()) pane)" } ?? ""
            let mode = binding.mode == .replay ? " (replay)" : binding.mode == .sampled ? " (not in a replay)" : ""
            lines += [".It Sy \(roff(binding.label))", roff(binding.help + place + mode)]
        }
        lines += [".El"]
        lines += [".Sh ENVIRONMENT", ".Bl -tag -width 6n"]
        for (name, meaning) in environment { lines += [".It Ev \(name)", roff(meaning)] }
        lines += [".El", ".Sh FILES", ".Bl -tag -width 6n"]
        for (path, meaning) in files { lines += [".It Pa \(path)", roff(meaning)] }
        lines += [".El", ".Sh EXAMPLES"]
        for (meaning, command) in examples { lines += [roff(meaning), ".Dl \(roff(command))"] }
        lines += [".Sh \"SEE ALSO\"", ".Xr bpftool 8 ,", ".Xr bpf 2 ,", ".Xr prometheus-node-exporter 1 ,", ".Xr pahole 1"]
        return lines.joined(separator: "\n") + "\n"
    }

    static let environment: [(String, String)] = [
        ("TERM", "the terminal type the inspector draws for; unset or dumb: the headless output"),
        ("NO_COLOR", "set and not empty: no colour"),
        ("ARENASCOPE_THEMES", "a folder searched first for themes by name"),
        ("XDG_CONFIG_HOME", "where your own themes (arenascope/themes) and shape files (arenascope/shapes) are; ~/.config without it"),
        ("XDG_DATA_HOME", "more themes (arenascope/themes); ~/.local/share without it"),
        ("HOME", "the base of ~/.config and ~/.local/share"),
        ("ARENASCOPE_LIBBPF_LOG", "set: libbpf's messages, the verifier's log among them, on standard error"),
    ]

    static let files: [(String, String)] = [
        ("/usr/share/arenascope/themes/NAME.theme", "the themes the package brings (dark, light, high-contrast, mono)"),
        ("~/.config/arenascope/themes/NAME.theme", "your own themes"),
        ("~/.config/arenascope/shapes/PROG.shape", "shape files by program name, for live arenas; v in the inspector adds to them"),
        ("/etc/default/arenascope-exporter", "the exporter service's options (ARGS)"),
        ("/usr/lib/systemd/system/arenascope-exporter.service", "the exporter's systemd unit"),
        ("/usr/share/doc/arenascope/arenascope-alerts.yml", "Prometheus alert rules for the exporter's series"),
    ]

    static let examples: [(String, String)] = [
        ("The demo: an emulated arena that keeps changing.", "arenascope demo"),
        ("The live arenas, then one of them in the inspector.", "arenascope list && arenascope --map-id 42"),
        ("What the roots reach, with the types the program's object keeps in its DWARF.", "arenascope objects --name my_arena --btf prog.bpf.o --json"),
        ("A recording of a live arena, replayed elsewhere.", "arenascope record --map-id 42 -o run.arec && arenascope --replay run.arec"),
        ("The exporter, once, as the textfile collector reads it.", "arenascope export --once --objects"),
    ]

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Text for mdoc: backslashes escaped, a leading dot or quote kept from being a request,
    /// every non-ASCII character as groff's \[uXXXX].
    static func roff(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\e"
            case _ where scalar.value > 0x7E || scalar.value < 0x20: escaped += "\\[u" + hex4(scalar.value) + "]"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped.hasPrefix(".") || escaped.hasPrefix("'") ? "\\&" + escaped : escaped
    }
}
