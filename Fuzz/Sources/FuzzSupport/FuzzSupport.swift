import ArenaModel
import ArenaTypes

/// What the fuzz targets share: using a catalog the way `decode` and `objects` do, and
/// libFuzzer's driver.
/// Names, typed decode and the object walk over the catalog's first types, on a 4-page arena
/// whose bytes are the input's own (repeated), with tight bounds; the roots are called `fuzz`.
public func exercise(_ catalog: TypeCatalog, memory: [UInt8], shape: Shape = Shape()) {
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
    var traversal = ObjectTraversal(
        catalog: catalog, snapshot: snapshot,
        options: ObjectTraversal.Options(maxObjects: 256, timeLimit: 1, maxLayoutSteps: 1 << 14, shape: shape))
    _ = try? traversal.run(roots: roots) { pages in Dictionary(uniqueKeysWithValues: pages.map { ($0, page) }) }
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// A target's entry point: libFuzzer's driver, calling `test` with each input.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ test: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt {
    var count = argc
    var vector = argv
    return runFuzzerDriver(&count, &vector, test)
}
