import Testing
import Foundation
import Glibc

/// The real binary in a real terminal: tmux runs it, sends keys, and reads the screen.
@Suite(.serialized) struct TerminalEndToEndTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    final class Session {
        let name = "arenascope-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let exitFile = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-exit-\(UUID().uuidString)").path

        /// `shellSetup` runs in the pane's shell first (e.g. a cd). The shell is bash, which
        /// waits out a Ctrl-C that its child handles and then reports how the child ended.
        init(_ arguments: String, width: Int = 100, height: Int = 30, shellSetup: String = "") throws {
            let command = "\(shellSetup) \(BinaryRunner.binary.path) \(arguments); echo EXIT=$? > \(exitFile); sleep 30"
            // The tmux server this may start keeps its standard streams: give it none of ours.
            _ = try BinaryRunner.run(
                ["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "env TERM=xterm-256color bash -c '\(command)'"],
                executable: URL(fileURLWithPath: TerminalEndToEndTests.tmux!), timeout: 20, captureOutput: false)
        }

        deinit {
            _ = try? tmux(["kill-session", "-t", name])
            try? FileManager.default.removeItem(atPath: exitFile)
        }

        @discardableResult
        func tmux(_ arguments: [String]) throws -> String {
            try BinaryRunner.run(arguments, executable: URL(fileURLWithPath: TerminalEndToEndTests.tmux!)).stdout
        }

        var screen: String { (try? tmux(["capture-pane", "-p", "-t", name])) ?? "" }

        /// The screen with its colours and attributes as escape sequences.
        var screenWithEscapes: String { (try? tmux(["capture-pane", "-e", "-p", "-t", name])) ?? "" }

        func keys(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

        /// Waits up to `seconds` for `condition` on the screen.
        func waitFor(_ seconds: Double = 10, _ condition: (String) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition(screen) { return true }
                usleep(50_000)
            }
            return condition(screen)
        }

        /// What the pane's shell wrote after arenascope ended; nil until then (an empty file
        /// is one the shell has created but not yet written).
        var exitStatus: String? {
            let text = (try? String(contentsOfFile: exitFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            return text?.isEmpty == false ? text : nil
        }

        func waitForExit(_ seconds: Double = 10) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline && exitStatus == nil { usleep(50_000) }
            return exitStatus
        }

        var alternateScreenOn: Bool { (try? tmux(["display", "-p", "-t", name, "#{alternate_on}"]))?.hasPrefix("1") ?? false }

        /// The arenascope process in the pane.
        var programPID: Int32? {
            guard let shell = Int32((try? tmux(["display", "-p", "-t", name, "#{pane_pid}"]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") else {
                return nil
            }
            let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
            return children.split(separator: " ").compactMap { Int32($0) }.first
        }
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func demoShowsEveryPaneRespondsToKeysAndQuitsCleanly() throws {
        let session = try Session("demo --theme mono")
        #expect(session.waitFor { $0.contains("Pages ·") && $0.contains("Allocator ranges") && $0.contains("Hexdump") && $0.contains("Pointer chase") })
        #expect(session.alternateScreenOn)
        try session.keys("?")
        #expect(session.waitFor { $0.contains("Keys (any key closes)") && $0.contains("next root, opened typed") })
        try session.keys("Escape")
        #expect(session.waitFor { !$0.contains("Keys (any key closes)") })
        try session.keys("o")
        #expect(session.waitFor { $0.contains("root newest_extent") })
        try session.keys("p")
        #expect(session.waitFor { $0.contains("PAUSED") })
        try session.keys("g")
        try session.keys("-l", "0x7f0000000000")
        try session.keys("Enter")
        #expect(session.waitFor { $0.contains("Hexdump · 0x7f0000000000") })
        try session.keys("q")
        #expect(session.waitForExit() == "EXIT=0")
        #expect(!session.alternateScreenOn, "the terminal is back to its normal screen")
        #expect(!session.screen.contains("Pages ·"))
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func signalsGiveTheTerminalBack() throws {
        let session = try Session("demo")
        #expect(session.waitFor { $0.contains("Pages ·") })
        let pid = try #require(session.programPID)
        // The pane's process group is orphaned, so SIGTSTP cannot stop it here: the inspector
        // gives the terminal back, finds itself not stopped, and takes it again.
        kill(pid, SIGTSTP)
        kill(pid, SIGCONT)
        #expect(session.waitFor { $0.contains("Pages ·") }, "after SIGTSTP/SIGCONT the inspector is back")
        kill(pid, SIGTERM)
        #expect(session.waitForExit() == "EXIT=0")
        #expect(!session.alternateScreenOn)
        #expect(!session.screen.contains("Pages ·"))

        // Ctrl-C interrupts the whole foreground group; the pane's bash waits for arenascope.
        let interrupted = try Session("demo")
        #expect(interrupted.waitFor { $0.contains("Pages ·") })
        try interrupted.keys("C-c")
        #expect(interrupted.waitForExit() == "EXIT=0")
        #expect(!interrupted.alternateScreenOn)

        // Ctrl-\ (SIGQUIT) left the screen alternate, the cursor hidden and the mouse on, or
        // drew Swift's backtracer over it; SIGUSR1, SIGPIPE and SIGALRM left it unrestored.
        let quitKey = try Session("demo")
        #expect(quitKey.waitFor { $0.contains("Pages ·") })
        try quitKey.keys("C-\\")
        #expect(quitKey.waitForExit() == "EXIT=0")
        #expect(try Self.terminalFlags(quitKey) == "0 0 0 1")
        for signal in [SIGUSR1, SIGPIPE, SIGALRM] {
            let session = try Session("demo")
            #expect(session.waitFor { $0.contains("Pages ·") })
            kill(try #require(session.programPID), signal)
            #expect(session.waitForExit() == "EXIT=0", "signal \(signal)")
            #expect(try Self.terminalFlags(session) == "0 0 0 1", "signal \(signal)")
        }
    }

    /// Alternate screen, mouse reporting, keypad mode and cursor shown, as tmux sees them.
    static func terminalFlags(_ session: Session) throws -> String {
        try session.tmux(["display", "-p", "-t", session.name, "#{alternate_on} #{mouse_any_flag} #{keypad_cursor_flag} #{cursor_flag}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func aCrashStillGivesTheTerminalBack() throws {
        let session = try Session("demo")
        #expect(session.waitFor { $0.contains("Pages ·") })
        let pid = try #require(session.programPID)
        kill(pid, SIGSEGV)
        #expect(session.waitForExit() == "EXIT=\(128 + SIGSEGV)")
        #expect(try Self.terminalFlags(session) == "0 0 0 1", "normal screen, no mouse reports, normal keys, cursor shown")
        let tty = try session.tmux(["display", "-p", "-t", session.name, "#{pane_tty}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let modes = try BinaryRunner.run(["-F", tty, "-a"], executable: URL(fileURLWithPath: "/bin/stty")).stdout
        #expect(modes.contains(" icanon") && modes.contains(" echo "), "line editing and echo are back: \(modes)")
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func aTerminalThatHangsUpEndsTheInspector() throws {
        // SIGHUP ignored from the start (as under nohup) stays ignored: only the hang-up itself
        // can end the inspector.
        let session = try Session("demo", shellSetup: "trap \"\" HUP;")
        #expect(session.waitFor { $0.contains("Pages ·") })
        let pid = try #require(session.programPID)
        try session.tmux(["kill-session", "-t", session.name])
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline && Self.isAlive(pid) { usleep(50_000) }
        #expect(!Self.isAlive(pid), "the inspector ended with its terminal")
        if Self.isAlive(pid) { kill(pid, SIGKILL) }
    }

    /// Running, neither gone nor a zombie (an orphan here may never be reaped).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[close...].hasPrefix(") Z")
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func resizingDownAndUpKeepsWorking() throws {
        let session = try Session("demo", width: 100, height: 30)
        #expect(session.waitFor { $0.contains("Pages ·") })
        try session.tmux(["resize-window", "-t", session.name, "-x", "50", "-y", "14"])
        #expect(session.waitFor { $0.contains("Pages ·") && !$0.contains("Hexdump") }, "reduced layout: one pane")
        try session.tmux(["resize-window", "-t", session.name, "-x", "30", "-y", "10"])
        #expect(session.waitFor { $0.contains("needs a terminal") })
        try session.tmux(["resize-window", "-t", session.name, "-x", "120", "-y", "40"])
        #expect(session.waitFor { $0.contains("Hexdump") && $0.contains("Pointer chase") })
        try session.keys("q")
        #expect(session.waitForExit() == "EXIT=0")
    }

    /// A paste longer than one batch of events is handled whole and in order: the key after
    /// 1,500 moves still pauses, and the q after it quits (issue 21: a paste drained slowly).
    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func aPasteIsHandledWholeAndInOrder() throws {
        let session = try Session("demo --theme mono")
        #expect(session.waitFor { $0.contains("Pages ·") })
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("paste-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: keys) }
        try (String(repeating: "j", count: 1500) + "p").write(toFile: keys, atomically: true, encoding: .utf8)
        try session.tmux(["load-buffer", keys])
        try session.tmux(["paste-buffer", "-t", session.name])
        #expect(session.waitFor(20) { $0.contains("PAUSED") })
        try session.keys("q")
        #expect(session.waitForExit() == "EXIT=0")
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func replayMovesAlongItsTimeline() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-tmux-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try BinaryRunner.run(["record", "--emulate", "churn", "--frames", "40", "-o", file]).status == 0)
        let session = try Session("--replay \(file) --theme mono", width: 120, height: 32)
        #expect(session.waitFor { $0.contains("frame 0/39") && $0.contains("Hexdump") })
        try session.keys(".")
        #expect(session.waitFor { $0.contains("frame 1/39") && $0.contains("steps 2") })
        try session.keys("t")
        try session.keys("-l", "30")
        try session.keys("Enter")
        #expect(session.waitFor { $0.contains("frame 30/39") })
        try session.keys("p")
        #expect(session.waitFor { $0.contains("frame 39/39") && $0.contains("end of the recording") })
        try session.keys("q")
        #expect(session.waitForExit() == "EXIT=0")
        #expect(!session.alternateScreenOn)
    }

    /// The frame count of the status line's "● REC n", 0 when it shows none.
    static func recordedFrames(on screen: String) -> Int {
        guard let marker = screen.range(of: "● REC ") else { return 0 }
        return Int(screen[marker.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func rRecordsFromTheInspector() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-rec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = try Session("demo --interval 50", shellSetup: "cd \(folder.path);")
        #expect(session.waitFor { $0.contains("Pages ·") })
        try session.keys("r")
        #expect(session.waitFor { $0.contains("recording to arenascope-") })
        // Recorded until the counter shows ten frames, however slowly the machine samples.
        #expect(session.waitFor(60) { Self.recordedFrames(on: $0) >= 10 })
        try session.keys("r")
        #expect(session.waitFor { $0.contains("recorded ") && $0.contains(" frames to arenascope-") })
        try session.keys("q")
        #expect(session.waitForExit() == "EXIT=0")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".arec") }
        let file = try #require(files.first)
        let info = try #require(try BinaryRunner.json(["info", folder.appendingPathComponent(file).path, "--json"]) as? [String: Any])
        #expect((info["frames"] as? Int ?? 0) >= 10)
        #expect(info["complete"] as? Bool == true)
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func typedViewsFollowFieldsByName() throws {
        let session = try Session("--emulate rbtree --theme mono", width: 120, height: 36)
        #expect(session.waitFor { $0.contains("Pointer chase") })
        try session.keys("p", "o", "v")
        try session.keys("-l", "rb_elem")
        try session.keys("Enter")
        #expect(session.waitFor { $0.contains("Fields · struct rb_elem") && $0.contains("is_red") && $0.contains("RB_BLACK") })
        try session.keys("Down", "n")
        #expect(session.waitFor { $0.contains("via left (+8)") })
        try session.keys("q")
        #expect(session.waitForExit() == "EXIT=0")
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func themesColourTheScreenAndNoColorTurnsColourOff() throws {
        // swift test runs tests with NO_COLOR=1 in their environment.
        let coloured = try Session("demo --theme light", shellSetup: "unset NO_COLOR;")
        #expect(coloured.waitFor { $0.contains("Pages ·") })
        // light.theme: title = #005fd7, which is 26 in the 256-colour cube.
        #expect(coloured.screenWithEscapes.contains("\u{1B}[38;5;26m"), "the theme's title colour")
        try coloured.keys("q")
        #expect(coloured.waitForExit() == "EXIT=0")

        let plain = try Session("demo --theme light", shellSetup: "export NO_COLOR=1;")
        #expect(plain.waitFor { $0.contains("Pages ·") })
        #expect(!plain.screenWithEscapes.contains("\u{1B}[38;5;"), "no colours with NO_COLOR")
        #expect(plain.screenWithEscapes.contains("\u{1B}[1m"), "bold stays")
        try plain.keys("q")
        #expect(plain.waitForExit() == "EXIT=0")
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func aClickSelectsThePageUnderIt() throws {
        let session = try Session("demo --interval 1000", width: 100, height: 30)
        #expect(session.waitFor { $0.contains("Pages · page 63848") })
        // An SGR mouse press and release (xterm-256color's kmous) at column 20, row 5: the
        // page map's fourth row (39 cells of 211 pages), tenth cell.
        try session.tmux(["send-keys", "-t", session.name, "-l", "\u{1B}[<0;20;5M"])
        try session.tmux(["send-keys", "-t", session.name, "-l", "\u{1B}[<0;20;5m"])
        #expect(session.waitFor { $0.contains("Pages · page \((3 * 39 + 9) * 211) ") })
        try session.keys("q")
        #expect(session.waitForExit() == "EXIT=0")
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed")) func badThemesAreOneLineErrors() throws {
        let unknown = try BinaryRunner.run(["--emulate", "list", "--theme", "nosuch"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.hasPrefix("arenascope: error: unknown theme 'nosuch'"))
        // Without a source the theme is checked before the picker or the demo is announced.
        let sourceless = try BinaryRunner.run(["--theme", "nosuch"])
        #expect(sourceless.status == 64)
        #expect(sourceless.stderr.hasPrefix("arenascope: error: unknown theme 'nosuch'"))
        #expect(sourceless.stderr.split(separator: "\n").count == 1)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).theme")
        try "text = red\nfree = purple\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let bad = try BinaryRunner.run(["--emulate", "list", "--theme", file.path])
        #expect(bad.status == 65)
        #expect(bad.stderr == "arenascope: error: \(file.path):2: unknown colour 'purple'\n")
        // A line that would drive the terminal is quoted with its controls as '?'.
        try "free = \u{1B}]0;pwned\u{07}\n".write(to: file, atomically: true, encoding: .utf8)
        let hostile = try BinaryRunner.run(["--emulate", "list", "--theme", file.path])
        #expect(hostile.stderr == "arenascope: error: \(file.path):1: unknown colour '?]0;pwned?'\n")
    }
}
