import ArenaModel
import ArenaRecording
import ArenaTypes

/// One input: parse it as BTF and as an ELF object holding BTF, and open it as a recording; when it opens, parse the types
/// it keeps and decode a bounded number of frames and pages. Every catalog is also used the
/// way `decode` and `objects` use it (`exercise`). Any trap, leak or overflow is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecording(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    exercise(TypeCatalog([TypeBlob(origin: "fuzz", btf: bytes)]), memory: bytes)
    if let section = try? BTFFile.section(in: bytes) { exercise(TypeCatalog([TypeBlob(origin: "fuzz elf", btf: section)]), memory: bytes) }
    guard let reader = try? RecordingReader(input: RecordingBytes(bytes)) else { return 0 }
    _ = reader.rawSize
    exercise(TypeCatalog(reader.header.types), memory: bytes)
    _ = reader.verify(maxFrames: 24, maxPagesPerFrame: 48)
    _ = reader.frame(atTime: reader.duration / 2)
    if let source = try? ReplaySource(reader: reader, name: "fuzz", frame: reader.frameCount - 1) {
        _ = try? source.sample()
    }
    return 0
}

/// Names, typed decode and the object walk over the catalog's first types, on a 4-page arena
/// whose bytes are the input's own (repeated), with tight bounds.
func exercise(_ catalog: TypeCatalog, memory: [UInt8]) {
    guard !catalog.isEmpty else { return }
    let geometry = ArenaGeometry(maxPages: 4, userVMStart: 0x1000_0000, flags: .mmapable)
    var builder = PageMapBuilder()
    builder.append(.allocated, count: 4)
    let page = (0..<4096).map { memory.isEmpty ? 0 : memory[$0 % memory.count] }
    let entries = Array(catalog.entries.prefix(16))
    let roots = entries.map { StructureRoot(name: "fuzz", address: geometry.userVMStart, type: $0.name, origin: "arena global") }
    let snapshot = Snapshot(source: SourceDescriptor(kind: .emulated), geometry: geometry, pages: builder.build(pageCount: 4), roots: roots)
    let decoder = TypeDecoder(catalog: catalog, pointers: PointerDecoder(geometry: geometry))
    for entry in entries {
        _ = catalog.name(of: entry.ref)
        var reader = ArenaReader(snapshot: snapshot) { _ in page }
        _ = try? decoder.decode(entry.ref, at: geometry.userVMStart, reader: &reader)
    }
    var traversal = ObjectTraversal(catalog: catalog, snapshot: snapshot,
                                    options: ObjectTraversal.Options(maxObjects: 256, timeLimit: 1, maxLayoutSteps: 1 << 14))
    _ = try? traversal.run(roots: roots) { pages in Dictionary(uniqueKeysWithValues: pages.map { ($0, page) }) }
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
