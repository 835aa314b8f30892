import Testing
import Foundation
import ArenaUI
import ArenaScreen

@Suite struct ThemeTests {
    static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Themes").path

    @Test func shippedThemesParseAndDarkMatchesTheBuiltIn() throws {
        let names = ThemeLibrary.available(folders: [Self.themes])
        #expect(Set(["dark", "light", "high-contrast", "mono"]).isSubset(of: Set(names)))
        for name in names { _ = try ThemeLibrary.load(name, folders: [Self.themes]) }
        let dark = try ThemeLibrary.load("dark", folders: [Self.themes])
        #expect(dark.styles == Theme.dark.styles, "Themes/dark.theme and the built-in default agree")
        let mono = try ThemeLibrary.load("mono", folders: [Self.themes])
        #expect(ColorRole.allCases.allSatisfy { mono[$0].foreground == .terminalDefault })
    }

    @Test func badLinesAreNamed() {
        #expect(
            throws: ThemeError.syntax(
                file: "t.theme", line: 3,
                message: "unknown role 'sparkle' (roles: \(ColorRole.allCases.map(\.name).joined(separator: ", ")), or * for the others)")
        ) {
            try Theme.parse("# x\ntext = red\nsparkle = blue\n", name: "t", file: "t.theme")
        }
        #expect(throws: ThemeError.syntax(file: "t.theme", line: 1, message: "bad colour '#12345' (expected #rrggbb)")) {
            try Theme.parse("text = #12345", name: "t", file: "t.theme")
        }
        #expect(throws: ThemeError.syntax(file: "t.theme", line: 2, message: "expected 'role = colour', found 'text red'")) {
            try Theme.parse("\ntext red", name: "t", file: "t.theme")
        }
        #expect(throws: ThemeError.syntax(file: "t.theme", line: 1, message: "'on' needs a background colour")) {
            try Theme.parse("text = red on", name: "t", file: "t.theme")
        }
        #expect(throws: ThemeError.self) { try ThemeLibrary.load("no-such-theme", folders: [Self.themes]) }
    }

    @Test func themesAreLookedForWhereUsersAndThePackageKeepThem() throws {
        let folders = ThemeLibrary.folders(executable: "/usr/bin/arenascope", environment: ["HOME": "/home/u", "XDG_DATA_HOME": "/data"])
        #expect(Array(folders.prefix(3)) == ["/home/u/.config/arenascope/themes", "/data/arenascope/themes", "/usr/bin/Themes"])
        #expect(folders.contains("/usr/share/arenascope/themes") && folders.last == FileManager.default.currentDirectoryPath + "/Themes")
        #expect(
            ThemeLibrary.folders(environment: [:]).contains { $0.hasSuffix("/Themes") && FileManager.default.fileExists(atPath: $0 + "/light.theme") },
            "the running test binary, found through /proc/self/exe, is in the source tree: its Themes/")
        // A theme of the user's own, in $XDG_CONFIG_HOME.
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-themes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: config) }
        try FileManager.default.createDirectory(atPath: config + "/arenascope/themes", withIntermediateDirectories: true)
        try "* = default\n".write(toFile: config + "/arenascope/themes/mine.theme", atomically: true, encoding: .utf8)
        let own = ThemeLibrary.folders(executable: "/usr/bin/arenascope", environment: ["XDG_CONFIG_HOME": config])
        #expect(try ThemeLibrary.load("mine", folders: own).name == "mine")
        #expect(ThemeLibrary.available(folders: own).contains("mine"))
        // The error names every folder looked in, there or not.
        #expect {
            try ThemeLibrary.load("nosuch", folders: own)
        } throws: { "\($0)".contains(config + "/arenascope/themes, ") && "\($0)".contains("/usr/share/arenascope/themes") }
    }

    @Test func aStarLineStylesEveryRoleTheFileLeavesOut() throws {
        let theme = try Theme.parse("* = default\nmapped = red bold", name: "s", file: "s")
        #expect(theme[.of(.mapped)] == RoleStyle(.index(1), bold: true), "listed roles keep their own style")
        #expect(ColorRole.allCases.filter { $0 != .of(.mapped) }.allSatisfy { theme[$0] == RoleStyle(.terminalDefault) })
    }

    @Test func partialThemesFallBackToDark() throws {
        let theme = try Theme.parse("free = 244 on bright-black bold", name: "p", file: "p")
        #expect(theme[.of(.free)] == RoleStyle(.index(244), on: .index(8), bold: true))
        #expect(theme[.of(.mapped)] == Theme.dark[.of(.mapped)])
    }

    @Test func coloursDegradeTo256To16To8AndNone() {
        let orange = ThemeColor.rgb(0xFF, 0x87, 0x00)
        #expect(orange.terminalIndex(depth: .xterm256) == 208)
        #expect(ThemeColor.rgb(0x80, 0x80, 0x80).terminalIndex(depth: .xterm256) == 244)
        #expect(orange.terminalIndex(depth: .basic16) == 3 || orange.terminalIndex(depth: .basic16) == 9)
        #expect((0..<8).contains(orange.terminalIndex(depth: .basic8)!))
        #expect(ThemeColor.index(196).terminalIndex(depth: .basic16) == 9)
        #expect(ThemeColor.index(12).terminalIndex(depth: .basic8) == 4)
        #expect(ThemeColor.terminalDefault.terminalIndex(depth: .basic8) == -1)
        #expect(orange.terminalIndex(depth: .none) == nil)
    }
}
