import ArenaModel
import CLibBPF
import Glibc

/// Copies backed arena pages through the reader program (bpf/reader.bpf.c), a syscall
/// program bound to the arena that uses plain arena loads: close to memcpy speed, and a
/// page freed in the meantime reads as zeroes without being allocated.
/// Holding it keeps the arena alive (the program references the map).
final class PageReader {
    static let batch = Int(AR_BATCH)
    private let object: BPFObject
    private let programFD: Int32
    /// The reader program's id, which other sessions' readers are told apart from.
    let programID: UInt32?
    private let requests: MappedArray<UInt64>
    private let pages: MappedArray<UInt8>
    private let geometry: ArenaGeometry

    /// Binds a reader to the arena behind `arenaFD` (which the caller may close afterwards).
    init(arenaFD: Int32, geometry: ArenaGeometry) throws(LiveError) {
        guard geometry.userVMStart != 0 else {
            throw .unreadable("the arena has no user address yet (never mmapped, no map_extra): its bytes cannot be read")
        }
        object = try BPFObject(.reader) { object throws(LiveError) in try object.reuseMap("arena", fd: arenaFD) }
        programFD = try object.programFD(ArenaPrograms.readerName)
        programID = ArenaPrograms.id(ofProgram: programFD)
        // Each map holds one element: the whole batch.
        requests = try MappedArray(fd: try object.mapFD("requests"), capacity: Self.batch, writable: true)
        pages = try MappedArray(fd: try object.mapFD("pages"), capacity: Self.batch * Int(geometry.pageSize))
        self.geometry = geometry
    }

    /// Copies `pageIndexes` (each below max_pages, at most `batch`) and hands each page's
    /// bytes to `body` while they are valid.
    func read(_ pageIndexes: ArraySlice<UInt32>, _ body: (UInt32, UnsafeRawBufferPointer) -> Void) throws(LiveError) {
        precondition(pageIndexes.count <= Self.batch)
        for (slot, page) in pageIndexes.enumerated() { requests[slot] = UInt64(page) }
        var args = ar_args(user_vm_start: geometry.userVMStart, max_pages: geometry.maxPages, count: UInt32(pageIndexes.count), copied: 0, pad: 0)
        let status = try runProgram(programFD, &args)
        guard status == 0, Int(args.copied) == pageIndexes.count else {
            throw .system(call: "the page reader (copied \(args.copied) of \(pageIndexes.count))", errno: EIO)
        }
        let pageSize = Int(geometry.pageSize)
        for (slot, page) in pageIndexes.enumerated() {
            body(page, UnsafeRawBufferPointer(start: pages.base + slot * pageSize, count: pageSize))
        }
    }
}
