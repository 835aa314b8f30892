import ArenaModel
import ArenaRecording
import ArenaTypes

/// One input: parse it as BTF and as an ELF object holding BTF, and open it as a recording; when it opens, parse the types
/// it keeps and decode a bounded number of frames and pages. Any trap, leak or overflow is
/// a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecording(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = TypeCatalog([TypeBlob(origin: "fuzz", btf: bytes)])
    if let section = try? BTFFile.section(in: bytes) { _ = TypeCatalog([TypeBlob(origin: "fuzz elf", btf: section)]) }
    guard let reader = try? RecordingReader(input: RecordingBytes(bytes)) else { return 0 }
    let catalog = TypeCatalog(reader.header.types)
    for entry in catalog.entries.prefix(64) { _ = catalog.name(of: entry.ref) }
    _ = reader.verify(maxFrames: 24, maxPagesPerFrame: 48)
    _ = reader.frame(atTime: reader.duration / 2)
    if let source = try? ReplaySource(reader: reader, name: "fuzz", frame: reader.frameCount - 1) {
        _ = try? source.sample()
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// SwiftPM links an executable's entry point as `<module>_main`; hand it to libFuzzer's driver.
@_cdecl("RecordingFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return runFuzzerDriver(&count, &vector, fuzzRecording)
}
