import Testing
import ArenaUI
@testable import ArenaCLI

/// The man page's own sections come from the tables the program uses, so they cannot drift.
@Suite struct ManualSectionsTests {
    @Test func everyStatusAndEveryKeyIsInTheManPage() {
        let text = ManualSectionsCommand.text
        for section in [".Sh \"EXIT STATUS\"", ".Sh KEYS", ".Sh ENVIRONMENT", ".Sh FILES", ".Sh EXAMPLES", ".Sh \"SEE ALSO\""] {
            #expect(text.contains(section + "\n"), "\(section)")
        }
        for status in ExitStatus.allCases { #expect(text.contains(".It \(status.rawValue)\n\(status.meaning)\n"), "status \(status.rawValue)") }
        for binding in KeyBindings.all {
            #expect(text.contains(".It Sy \(ManualSectionsCommand.roff(binding.label))\n\(ManualSectionsCommand.roff(binding.help))"), "\(binding.label)")
        }
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII is written as roff escapes")
        #expect(text.contains(".It Sy \\[u2191] k\n"), "↑ as groff's \\[u2191]")
        #expect(text.contains(".Xr bpftool 8"))
    }

    @Test func textCannotBecomeARoffRequest() {
        #expect(ManualSectionsCommand.roff(".Sh evil") == "\\&.Sh evil")
        #expect(ManualSectionsCommand.roff("a\\b µs") == "a\\eb \\[u00B5]s")
    }
}
