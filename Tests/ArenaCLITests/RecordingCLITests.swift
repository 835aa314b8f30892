import Foundation
import Glibc
import Testing

/// `record`, `info` and `--replay` through the real binary.
@Suite struct RecordingCLITests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-cli-\(name)-\(UUID().uuidString).arec").path
    }

    static func withoutSource(_ object: Any?) -> NSDictionary? {
        guard var dictionary = object as? [String: Any] else { return nil }
        dictionary["source"] = nil
        return dictionary as NSDictionary
    }

    /// `info` says the interval the frames were taken at beside the one asked for.
    @Test func infoSaysTheIntervalAchievedBesideTheOneAsked() throws {
        let file = Self.temporary("achieved")
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try BinaryRunner.run(["record", "--emulate", "list", "--frames", "5", "--interval", "250", "-o", file]).status == 0)
        let info = try #require(try BinaryRunner.json(["info", file, "--json"]) as? [String: Any])
        #expect(info["interval"] as? Double == 0.25 && info["achieved_interval"] as? Double == 0.25, "\(info)")
        #expect(try BinaryRunner.run(["info", file]).stdout.contains("every 250 ms asked, 250 ms achieved"))
    }

    /// `record -o X --force` chmodded whatever it opened to 0600 (/dev/full included) and
    /// wrote into FIFOs: it now replaces regular files only, by renaming a new file over them.
    @Test func forceReplacesOnlyRegularFilesAndChangesNoOtherFilesMode() throws {
        let fifo = Self.temporary("fifo")
        #expect(mkfifo(fifo, 0o644) == 0)
        let target = Self.temporary("target"), link = Self.temporary("link")
        #expect(FileManager.default.createFile(atPath: target, contents: Data("keep".utf8), attributes: [.posixPermissions: 0o644]))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        defer { for path in [fifo, target, link] { unlink(path) } }
        let intoFIFO = try BinaryRunner.run(["record", "--emulate", "list", "--frames", "2", "-o", fifo, "--force"])
        #expect(intoFIFO.status != 0 && intoFIFO.stderrLines == ["arenascope: error: \(fifo) is not a regular file: --force replaces only regular files"])
        var status = stat()
        #expect(stat(fifo, &status) == 0 && status.st_mode & 0o777 == 0o644, "the FIFO's mode is its own")

        let overLink = try BinaryRunner.run(["record", "--emulate", "list", "--frames", "2", "-o", link, "--force"])
        #expect(overLink.status != 0, "a symlink is not a regular file")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
        #expect(stat(target, &status) == 0 && status.st_mode & 0o777 == 0o644)

        let overFile = try BinaryRunner.run(["record", "--emulate", "list", "--frames", "2", "-o", target, "--force"])
        #expect(overFile.status == 0 && stat(target, &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(try BinaryRunner.run(["info", target]).status == 0)
        let folder = (target as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.contains(".arenascope-") }, "no temporary left")
    }

    /// `record` and `info` echoed the file name raw: a name can drive the terminal.
    @Test func aFileNameNeverReachesTheTerminalRaw() throws {
        let file = Self.temporary("name\u{1B}[31m")
        defer { unlink(file) }
        let recorded = try BinaryRunner.run(["record", "--emulate", "list", "--frames", "2", "-o", file])
        let described = try BinaryRunner.run(["info", file])
        #expect(recorded.status == 0 && described.status == 0)
        #expect(!recorded.stdout.contains("\u{1B}") && !described.stdout.contains("\u{1B}"))
        #expect(recorded.stdout.contains("name?[31m"))
    }

    @Test func frameIEqualsTheSnapshotAfterIPlusOneTimesKSteps() throws {
        let file = Self.temporary("churn")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let recorded = try BinaryRunner.run(["record", "--emulate", "churn", "--steps-per-frame", "3", "--frames", "12", "-o", file, "--json"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [String: Any])
        #expect(summary["frames"] as? Int == 12)
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600, "recordings are private")
        for frame in [0, 5, 11] {
            let replayed = try BinaryRunner.json(["snapshot", "--replay", file, "--frame", String(frame), "--json"])
            let emulated = try BinaryRunner.json(["snapshot", "--emulate", "churn", "--steps", String((frame + 1) * 3), "--json"])
            #expect(Self.withoutSource(replayed) == Self.withoutSource(emulated), "frame \(frame)")
            let source = try #require((replayed as? [String: Any])?["source"] as? [String: Any])
            #expect(source["kind"] as? String == "replay")
            #expect(source["frame"] as? Int == frame)
            #expect(source["steps"] as? Int == (frame + 1) * 3)
        }
        let root = try #require(
            ((try BinaryRunner.json(["snapshot", "--replay", file, "--frame", "7", "--json"]) as? [String: Any])?["roots"] as? [[String: Any]])?.first?["addr"]
                as? UInt64)
        let chaseReplay = try BinaryRunner.run(["chase", "--replay", file, "--frame", "7", "--addr", String(root), "--json"])
        let chaseLive = try BinaryRunner.run(["chase", "--emulate", "churn", "--steps", "24", "--addr", String(root), "--json"])
        #expect(chaseReplay.status == 0 && chaseReplay.stdout == chaseLive.stdout)
        let readReplay = try BinaryRunner.run(["read", "--replay", file, "--frame", "7", "--addr", String(root), "--len", "64"])
        let readEmulated = try BinaryRunner.run(["read", "--emulate", "churn", "--steps", "24", "--addr", String(root), "--len", "64"])
        #expect(readReplay.status == 0 && readReplay.stdout == readEmulated.stdout)
    }

    @Test func infoDescribesTheRecording() throws {
        let file = Self.temporary("info")
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try BinaryRunner.run(["record", "--emulate", "list", "--frames", "30", "--interval", "50", "-o", file]).status == 0)
        let info = try #require(try BinaryRunner.json(["info", file, "--json"]) as? [String: Any])
        #expect(info["frames"] as? Int == 30)
        #expect(info["keyframes"] as? Int == 1)
        #expect(info["complete"] as? Bool == true)
        #expect(info["duration"] as? Double == 1.45)
        #expect(info["bytes"] as? String == "all")
        #expect((info["source"] as? [String: Any])?["workload"] as? String == "list")
        #expect((info["file_bytes"] as? Int ?? 0) > 0)
        #expect((info["raw_bytes"] as? Int ?? 0) > (info["file_bytes"] as? Int ?? 0))
        let text = try BinaryRunner.run(["info", file, "--verify"])
        #expect(text.status == 0 && text.stdout.contains("verified   30 frames"))
    }

    @Test func aRecordingCutShortReplaysToItsLastCompleteFrame() throws {
        let file = Self.temporary("cut")
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try BinaryRunner.run(["record", "--emulate", "churn", "--frames", "40", "-o", file]).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: file))
        let info = try #require(try BinaryRunner.json(["info", file, "--json"]) as? [String: Any])
        let frames = try #require(info["frames"] as? Int)
        #expect(frames > 0 && frames < 40)
        #expect(info["complete"] as? Bool == false)
        #expect((info["damage"] as? String)?.contains("cut short") == true)
        #expect(try BinaryRunner.run(["snapshot", "--replay", file, "--frame", String(frames - 1)]).status == 0)
        let past = try BinaryRunner.run(["snapshot", "--replay", file, "--frame", String(frames)])
        #expect(past.status == 64 && past.stderr.contains("is not in the recording"))
    }

    @Test func recordingErrorsAreOneLineWithAStatus() throws {
        let existing = Self.temporary("exists")
        _ = FileManager.default.createFile(atPath: existing, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: existing) }
        let damaged = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ArenaRecordingTests/Damaged")
        let cases: [(arguments: [String], status: Int32, mentions: String)] = [
            (["record", "--emulate", "list", "-o", existing], 73, "exists (use --force"),
            (["record", "--emulate", "list"], 64, "-o"),
            (["record", "--emulate", "list", "-o", "/nonexistent-dir/x.arec"], 73, "cannot create"),
            (["record", "--emulate", "list", "--frames", "0", "-o", "x"], 64, "--frames"),
            (["record", "--emulate", "list", "--bytes", "some", "-o", "x"], 64, "--bytes"),
            (["record", "--replay", existing, "-o", "x"], 64, "cannot be recorded again"),
            (["info", "/nonexistent.arec"], 66, "no file at"),
            (["info", existing], 65, "not an arenascope recording"),
            (["info", FileManager.default.temporaryDirectory.path], 65, "is not a regular file"),
            (["info", damaged.appendingPathComponent("future-version.arec").path], 65, "newer than this arenascope"),
            (["info", damaged.appendingPathComponent("frame-bit-flip.arec").path, "--verify"], 65, "frame 5 checksum mismatch"),
            (["snapshot", "--replay", damaged.appendingPathComponent("huge-arena.arec").path], 65, "damaged recording"),
            (["--replay", damaged.appendingPathComponent("empty.arec").path], 65, "not an arenascope recording"),
        ]
        for (arguments, status, mentions) in cases {
            let result = try BinaryRunner.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("arenascope: error: "), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(mentions), "\(arguments): \(result.stderr)")
        }
    }

    /// One damaged frame in an indexed file: `info` prints what it read and which frames are
    /// damaged, then exits 65; the frames before and after the damage still replay (issue 21).
    @Test func infoDescribesADamagedRecordingAndItsIntactFramesReplay() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ArenaRecordingTests/Damaged/frame-bit-flip.arec").path
        let text = try BinaryRunner.run(["info", file])
        #expect(text.status == 65 && text.stderrLines.count == 1)
        #expect(text.stderr.contains("1 of 12 frames damaged; the first: frame 5 checksum mismatch"), "\(text.stderr)")
        #expect(
            text.stdout.contains("frames     12 over") && text.stdout.contains("damaged    1 frame description; frames 5-7 cannot be replayed"),
            "\(text.stdout)")
        let json = try BinaryRunner.run(["info", file, "--json"])
        #expect(json.status == 65)
        let info = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let damaged = try #require(info["damaged_frames"] as? [[String: Any]])
        #expect(damaged.map { $0["frame"] as? Int } == [5] && (damaged.first?["reason"] as? String)?.contains("checksum") == true)
        #expect(info["unreplayable_frames"] as? [[Int]] == [[5, 7]])
        for frame in [0, 4, 8, 11] {
            #expect(try BinaryRunner.run(["snapshot", "--replay", file, "--frame", String(frame)]).status == 0, "frame \(frame) replays")
        }
        let bad = try BinaryRunner.run(["snapshot", "--replay", file, "--frame", "6"])
        #expect(bad.status == 65 && bad.stderr.contains("frame 5 checksum mismatch"))
    }

    /// A disk that fills (here a file-size limit, the same failed write) ends the recording
    /// with a message saying what was kept; the file ends at a whole frame and replays.
    @Test func aFullDiskSaysWhatWasKept() throws {
        let file = Self.temporary("full")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try BinaryRunner.run(
            [
                "--fsize=20000", BinaryRunner.binary.path, "record", "--emulate", "list", "--frames", "200",
                "--bytes", "all", "-o", file,
            ], executable: URL(fileURLWithPath: "/usr/bin/prlimit"))
        #expect(result.status == 1 && result.stderrLines.count == 1, "\(result.stderr)")
        #expect(
            result.stderr.contains("(kept in \(file) without its index; it replays by scanning): cannot write \(file): File too large"),
            "\(result.stderr)")
        let frames = try #require(result.stderr.firstMatch(of: /stopped after (\d+) frames/).flatMap { Int($0.1) })
        let verified = try BinaryRunner.run(["info", file, "--verify", "--json"])
        #expect(verified.status == 0, "a recording cut at a whole frame is not damaged: \(verified.stderr)")
        let info = try #require(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any])
        #expect(info["frames"] as? Int == frames && info["complete"] as? Bool == false)
    }

    @Test func ctrlCEndsARecordingWithItsIndex() throws {
        let file = Self.temporary("interrupt")
        defer { try? FileManager.default.removeItem(atPath: file) }
        // An emulated recording of a huge frame count, interrupted: the file must still be complete.
        var pid: pid_t = 0
        let arguments: [String] = [BinaryRunner.binary.path, "record", "--emulate", "list", "--frames", "100000000", "-o", file]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, BinaryRunner.binary.path, nil, nil, argv, environ) == 0)
        var waited = 0
        while waited < 100, (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0) ?? 0 < 4096 {
            usleep(50_000)
            waited += 1
        }
        kill(pid, SIGINT)
        var status: Int32 = 0
        var exited = false
        for _ in 0..<200 where !exited {
            exited = waitpid(pid, &status, WNOHANG) == pid
            if !exited { usleep(50_000) }
        }
        if !exited {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        #expect(exited && status == 0, "arenascope exits 0 within 10 s of Ctrl-C (status \(status))")
        let info = try #require(try BinaryRunner.json(["info", file, "--json"]) as? [String: Any])
        #expect(info["complete"] as? Bool == true)
        #expect((info["frames"] as? Int ?? 0) > 1)
    }
}
