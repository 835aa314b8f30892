import ArenaModel
import ArenaEmulator
import ArenaRecording
import Foundation
import RecordingForgery
import Testing

/// Damaged and hostile recordings, kept as files in Damaged/ (the fuzzer's finds go there
/// too). ARENASCOPE_REGENERATE=1 writes the generated ones again.
@Suite struct DamageTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Damaged")

    /// Each damaged file and what opening it must give: a frame count, or an error.
    static let expectations: [(name: String, outcome: Outcome)] = [
        ("empty", .error("not an arenascope recording")),
        ("not-a-recording", .error("not an arenascope recording")),
        ("cut-in-header", .error("the file ends before byte")),
        ("future-version", .error("format version 9 is newer")),
        ("header-checksum", .error("header checksum mismatch")),
        ("huge-arena", .error("2147483648 pages")),
        ("cut-mid-frame", .frames(6, complete: false)),
        ("cut-before-index", .frames(12, complete: false)),
        // Reading goes on past a broken index by scanning, but verification reports it (65):
        // it said "verified" and exited 0 before (issue 21).
        ("index-checksum", .frames(12, complete: false, damaged: true)),
        ("index-out-of-order", .frames(12, complete: false, damaged: true)),
        ("frame-bit-flip", .framesWithDamage(12, firstBad: 5)),
        ("block-bit-flip", .framesWithDamage(12, firstBad: 0)),
        ("meta-claims-4gib", .framesWithDamage(12, firstBad: 3)),
        ("meta-lies-about-size", .framesWithDamage(12, firstBad: 2)),
        ("second-frame-missing", .frames(1, complete: false, damaged: true)),
        // Crafted with valid checksums (issue 21): raw sizes summing past 2^64 trapped `info`;
        // a description of 8 MiB of zeros from 8 KiB is read, found damaged, and let go.
        ("raw-sizes-overflow", .frames(12, complete: false, damaged: true)),
        ("description-bomb", .framesWithDamage(12, firstBad: 11)),
    ]

    enum Outcome {
        case error(String)
        /// Opens with that many frames; `damaged`: reading stopped at damage, not at a cut,
        /// and verification says so after checking the frames before it.
        case frames(Int, complete: Bool, damaged: Bool = false)
        /// Opens, but verification stops at a damaged frame.
        case framesWithDamage(Int, firstBad: Int)
    }

    @Test func everyDamagedFileGivesItsExpectedOutcome() throws {
        if ProcessInfo.processInfo.environment["ARENASCOPE_REGENERATE"] == "1" { try Self.generate() }
        for (name, outcome) in Self.expectations {
            let path = Self.folder.appendingPathComponent(name + ".arec").path
            switch outcome {
            case .error(let text):
                do {
                    _ = try RecordingReader(path: path)
                    Issue.record("\(name) opened")
                } catch {
                    #expect(error.description.contains(text), "\(name): \(error)")
                    #expect(!error.description.contains("\n"))
                }
            case .frames(let count, let complete, let damaged):
                let reader = try RecordingReader(path: path)
                #expect(reader.frameCount == count, "\(name)")
                #expect(reader.isComplete == complete, "\(name)")
                #expect(complete || reader.damage != nil, "\(name) says why it stopped")
                #expect(reader.isDamaged == damaged, "\(name): \(reader.damage ?? "")")
                let verification = reader.verify()
                #expect(verification.problem == (damaged ? reader.damage : nil), "\(name): \(verification.problem ?? "")")
                #expect(verification.framesChecked == count)
            case .framesWithDamage(let count, let firstBad):
                let reader = try RecordingReader(path: path)
                #expect(reader.frameCount == count, "\(name)")
                let verification = reader.verify()
                #expect(verification.framesChecked == firstBad, "\(name): \(verification.problem ?? "no problem")")
                #expect(verification.problem?.contains("frame \(firstBad)") == true, "\(name): \(verification.problem ?? "")")
            }
        }
    }

    @Test func aTextWithAControlCharacterIsDamage() throws {
        // A hostile file naming its source with terminal controls, sealed like a good one.
        let source = try EmulatedSource(workload: "list", seed: 1, pages: 64)
        let snapshot = source.sample()
        let hostile = SourceDescriptor(kind: .emulated, details: [("workload", .text("list\u{1B}]0;pwned\u{07}"))])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(
            path: path,
            header: RecordingHeader(
                geometry: snapshot.geometry, source: hostile, bytesMode: .none, keyframeInterval: 4, frameInterval: 0.1, createdAt: 0))
        try writer.append(snapshot, time: 0, source: source)
        try writer.finish()
        #expect {
            _ = try RecordingReader(path: path)
        } throws: { error in
            "\(error)".contains("a text holds a control character")
        }
    }

    /// Every file in Damaged/ (fuzzer finds included, once moved there) has its outcome in
    /// `expectations`, so each is checked by the test above; none is left unchecked.
    @Test func everyFileInTheCorpusHasAnExpectedOutcome() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        let expected = Set(Self.expectations.map { $0.name + ".arec" })
        #expect(Set(files) == expected, "files without an expected outcome: \(Set(files).subtracting(expected).sorted())")
    }

    // MARK: making the corpus

    static func generate() throws {
        let base = try RecordedWorkload.record("list", frames: 12, stepsPerFrame: 2, keyframeInterval: 4, pages: 64)
        defer { base.remove() }
        let good = base.fileBytes
        let offsets = (0..<12).map { RecordingForgery.frameOffset(good, frame: $0) }
        let indexOffset = Int(RecordingForgery.footerIndexOffset(good))
        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: folder.appendingPathComponent(name + ".arec"))
        }
        try write("empty", [])
        try write("not-a-recording", Array("#!/bin/sh\necho this is a script\n".utf8))
        try write("cut-in-header", Array(good.prefix(30)))
        var future = good
        future[8] = 9
        try write("future-version", future)
        var header = good
        header[20] ^= 0xFF
        try write("header-checksum", header)
        var huge = good
        RecordingForgery.patch(&huge, at: 14 + 8, UInt32(1) << 31)
        RecordingForgery.resealHeader(&huge)
        try write("huge-arena", huge)
        try write("cut-mid-frame", Array(good.prefix(offsets[6] + 30)))
        try write("cut-before-index", Array(good.prefix(indexOffset)))
        var index = good
        index[indexOffset + 12] ^= 0x01
        try write("index-checksum", index)
        var order = good
        RecordingForgery.patch(&order, at: indexOffset + 8 + 25, UInt64(offsets[5]))
        RecordingForgery.resealIndex(&order, indexOffset: indexOffset)
        try write("index-out-of-order", order)
        var flipped = good
        flipped[offsets[5] + 48 + 3] ^= 0x10
        try write("frame-bit-flip", flipped)
        var block = good
        block[offsets[1] - 5] ^= 0x20  // the last data byte of frame 0
        try write("block-bit-flip", block)
        var claims = good
        RecordingForgery.patch(&claims, at: offsets[3] + 24, UInt32(0xFFFF_FFF0))
        RecordingForgery.resealChunk(&claims, at: offsets[3])
        try write("meta-claims-4gib", claims)
        var lies = good
        let metaRaw = RecordingForgery.readU32(lies, at: offsets[2] + 24)
        RecordingForgery.patch(&lies, at: offsets[2] + 24, metaRaw + 100)
        RecordingForgery.resealChunk(&lies, at: offsets[2])
        try write("meta-lies-about-size", lies)
        var missing = Array(good.prefix(offsets[1]))
        missing += good[offsets[2]..<indexOffset]
        try write("second-frame-missing", missing)
        var overflow = good
        for entry in 0..<2 { RecordingForgery.patch(&overflow, at: indexOffset + 8 + 25 * entry + 16, UInt64(1) << 63) }
        RecordingForgery.resealIndex(&overflow, indexOffset: indexOffset)
        try write("raw-sizes-overflow", overflow)
        try write("description-bomb", RecordingForgery.descriptionBombs(good, at: offsets[11], rawCount: 8 << 20))
    }
}
