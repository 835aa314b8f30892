import ArenaModel
import ArenaRecording
import ArenaTypes
import FuzzSupport

/// One input opened as a recording, through every path `info`, `info --verify` and a replay
/// take: the index or the scan, the raw sizes, every frame's description (the survey), a
/// bounded verification of frames and pages, a seek and a sample; and the types it keeps,
/// used as `decode` and `objects` use them. Any trap, leak or overflow is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecording(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let reader = try? RecordingReader(input: RecordingBytes(bytes)) else { return 0 }
    _ = reader.rawSize
    _ = RecordingSurvey(reader)
    exercise(TypeCatalog(reader.header.types), memory: bytes)
    _ = reader.verify(maxFrames: 24, maxPagesPerFrame: 48)
    _ = reader.frame(atTime: reader.duration / 2)
    if let source = try? ReplaySource(reader: reader, name: "fuzz", frame: reader.frameCount - 1) {
        _ = try? source.sample()
    }
    return 0
}

/// SwiftPM links an executable's entry point as `<module>_main`; hand it to libFuzzer's driver.
@_cdecl("RecordingFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzRecording)
}
