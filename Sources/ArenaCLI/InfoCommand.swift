import ArgumentParser
import ArenaModel
import ArenaRecording
import Foundation
import ArenaText

/// `arenascope info`: what a recording holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a recording: frames, duration, source, sizes, and any damage (--verify checks every frame).",
        discussion: """
            A recording that was cut short (no index) is described up to its last complete frame; 'complete' is false and 'damage' says where reading stopped. \
            Frames whose descriptions are damaged are listed with the frames that cannot be replayed because of them; \
            info then exits 65, after printing everything it could read.
            """)

    @Argument(help: ArgumentHelp("The recording.", valueName: "file"), completion: .file(extensions: ["arec"]))
    var file: String
    @Flag(
        help:
            "Also decode every frame and page and check every checksum; exit 65 at the first damage (a checksum mismatch, a frame out of sequence, a broken index; a recording merely cut short verifies)."
    )
    var verify = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        let reader = try RecordingReader(path: file)
        let survey = RecordingSurvey(reader)
        print(output.json ? Self.json(reader, file: file, survey: survey) : Self.text(reader, file: file, survey: survey))
        if verify {
            let progress = ProgressLine()
            let verification = reader.verify { frame in progress.show("verifying frame \(frame + 1) of \(reader.frameCount)") }
            progress.finish()
            if let problem = verification.problem { throw CLIError("damaged recording: \(problem)", status: .dataError) }
            if !output.json { print("verified   \(verification.framesChecked) frames, \(verification.pagesChecked) page reads") }
        }
        if let first = survey.damaged.first {
            throw RecordingError.damaged("\(survey.damaged.count) of \(reader.frameCount) frames damaged; the first: \(first.reason)")
        }
        if reader.isDamaged, let damage = reader.damage { throw RecordingError.damaged(damage) }
    }

    /// Seconds between frames as recorded (the duration over the gaps), beside the interval
    /// asked: a live arena sampled slower than asked shows it; nil under two frames.
    static func achievedInterval(_ reader: RecordingReader) -> Double? {
        reader.frameCount > 1 ? reader.duration / Double(reader.frameCount - 1) : nil
    }

    static func json(_ reader: RecordingReader, file: String, survey: RecordingSurvey? = nil) -> String {
        let header = reader.header
        var json = JSONWriter()
        json.beginObject()
        json.string(file, "file")
        json.number(UInt64(RecordingFormat.version), "version")
        json.bool(reader.isComplete, "complete")
        if let damage = reader.damage { json.string(damage, "damage") } else { json.null("damage") }
        json.number(UInt64(reader.frameCount), "frames")
        json.number(UInt64(reader.keyframeCount), "keyframes")
        json.number(reader.duration, "duration")
        json.number(header.frameInterval, "interval")
        if let achieved = achievedInterval(reader) { json.number(achieved, "achieved_interval") } else { json.null("achieved_interval") }
        json.string(header.bytesMode.rawValue, "bytes")
        json.number(header.createdAt, "created")
        json.beginObject("source")
        json.string(header.source.kind.rawValue, "kind")
        json.details(header.source.details)
        json.endObject()
        json.number(header.geometry.pageSize, "page_size")
        json.number(header.geometry.maxPages, "max_pages")
        json.number(header.geometry.userVMStart, "user_vm_start")
        json.number(header.geometry.userVMEnd, "user_vm_end")
        json.flags(header.geometry.flags, "flags")
        json.beginArray("types")
        for blob in header.types { json.string(blob.origin) }
        json.endArray()
        json.number(reader.fileSize, "file_bytes")
        json.number(reader.rawSize, "raw_bytes")
        json.number(reader.rawSize == 0 ? 0 : Double(reader.fileSize) / Double(reader.rawSize), "ratio")
        if let survey {
            json.beginArray("damaged_frames")
            for frame in survey.damaged {
                json.beginObject()
                json.number(UInt64(frame.frame), "frame")
                json.string(frame.reason, "reason")
                json.endObject()
            }
            json.endArray()
            json.beginArray("unreplayable_frames")
            for range in survey.unreplayable {
                json.beginArray()
                json.number(UInt64(range.lowerBound))
                json.number(UInt64(range.upperBound))
                json.endArray()
            }
            json.endArray()
            let objects = survey.objects
            if objects.counted == 0 {
                json.null("objects")
            } else {
                json.beginArray("objects")
                for type in objects.types {
                    json.beginObject()
                    json.string(type.type, "type")
                    json.number(type.first, "first")
                    json.number(type.last, "last")
                    json.number(type.peak, "peak")
                    json.number(type.peakFrame, "peak_frame")
                    json.endObject()
                }
                json.endArray()
            }
        }
        json.endObject()
        return json.printed
    }

    static func text(_ reader: RecordingReader, file: String, survey: RecordingSurvey) -> String {
        let header = reader.header
        let geometry = header.geometry
        let details = header.source.details.map { "\($0.key)=\(SnapshotText.describe($0.value))" }.joined(separator: " ")
        let achieved: String = achievedInterval(reader).map { ", \(Int(($0 * 1000).rounded())) ms achieved" } ?? ""
        let interval = "every \(Int(header.frameInterval * 1000)) ms asked" + achieved
        var lines = [
            "file       \(file.terminalSafe) (format \(RecordingFormat.version), \(reader.isComplete ? "complete" : "\(reader.isDamaged ? "damaged" : "cut short"): \(reader.damage ?? "no index")"))",
            "frames     \(reader.frameCount) over \(RecordCommand.describe(reader.duration)), \(interval); \(reader.keyframeCount) keyframes",
            "source     \(header.source.kind.rawValue) \(details)",
            "arena      \(hex(geometry.userVMStart))-\(hex(geometry.userVMEnd))  \(geometry.maxPages) pages of \(geometry.pageSize) bytes  flags: \(geometry.flags.names.joined(separator: ","))",
            "bytes      \(header.bytesMode.rawValue)",
            "types      " + (header.types.isEmpty ? "none" : header.types.map(\.origin).joined(separator: ", ")),
            "size       \(RecordCommand.size(reader.fileSize)), \(RecordCommand.share(reader.fileSize, of: reader.rawSize)) of \(RecordCommand.size(reader.rawSize)) raw",
        ]
        lines.append("recorded   \(Date(timeIntervalSince1970: Double(header.createdAt)))")
        if !survey.damaged.isEmpty {
            let count = survey.damaged.count
            lines.append(
                "damaged    \(count) frame description\(count == 1 ? "" : "s"); frames \(survey.unreplayable.map(Self.describe).joined(separator: ", ")) cannot be replayed"
            )
            for frame in survey.damaged.prefix(20) { lines.append("  \(frame.reason)") }
            if survey.damaged.count > 20 { lines.append("  and \(survey.damaged.count - 20) more (--json lists them all)") }
        }
        let objects = survey.objects
        if objects.counted == 0 {
            lines.append("objects    not counted (recorded with --no-objects, or by an older arenascope)")
        } else {
            lines.append("objects    by type, first frame → last (peak), over \(objects.counted) frames")
            let width = min(40, objects.types.map(\.type.count).max() ?? 0)
            for type in objects.types {
                lines.append("  " + type.type.rightPadded(to: width) + "  \(type.first) → \(type.last) (peak \(type.peak) at frame \(type.peakFrame))")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ frames: ClosedRange<Int>) -> String {
        frames.count == 1 ? "\(frames.lowerBound)" : "\(frames.lowerBound)-\(frames.upperBound)"
    }
}
