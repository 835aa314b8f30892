import Foundation
import Testing

/// Themes by name, however the binary was started: a user types `arenascope`, found on PATH.
@Suite struct ThemeCLITests {
    @Test func aNamedThemeIsFoundWhenTheBinaryIsStartedFromPath() throws {
        let folder = BinaryRunner.binary.deletingLastPathComponent().path
        let elsewhere = FileManager.default.temporaryDirectory.path
        for theme in ["light", "high-contrast", "mono"] {
            let run = try BinaryRunner.run(
                ["-c", "cd '\(elsewhere)' && PATH='\(folder)' exec arenascope demo --headless --samples 1 --theme \(theme)"],
                executable: URL(fileURLWithPath: "/bin/sh"))
            #expect(run.status == 0, "--theme \(theme): \(run.stderr)")
        }
    }
}
