import ArenaModel
import ArenaTypes
import CLibBPF
import Glibc

/// A live kernel arena, seen by map id through the sampler program. Sampling never
/// touches arena memory; page bytes come through a reader program bound to the arena.
///
/// By default the source does not extend the arena's life: the reader program (which
/// holds a reference) is dropped as soon as the sampler sees no other user of the map.
/// With `keepAlive` it holds an fd, so the arena outlives its owner for post-mortem looks.
public final class LiveSource: ArenaSource {
    public let mapID: UInt32
    public let keepAlive: Bool
    private let sampler: ArenaSampler
    private var reader: PageReader?
    private var heldFD: Int32?
    private let identity: LiveMap.Identity
    /// The arena's geometry at the last sample, for binding a reader.
    private var geometry: ArenaGeometry?
    private var mappingPIDs: [Int32] = []
    private var pidsScannedAt: Double = -.infinity
    private var mappingsAtScan: UInt32 = 0
    private let pageTables = PresentPageScanner()
    private let liveRoots: LiveRoots
    /// The processes that map the arena are looked up in /proc again when the kernel's
    /// count of the arena's mappings changes, and at least this often (seconds).
    public var processScanInterval: Double = 10

    /// Attaches to arena `mapID`; fails with a clear `LiveError` when it does not exist,
    /// is not an arena, or the caller lacks the capabilities.
    /// The ids of the arenas, or of those whose map is called `name` (as the kernel keeps
    /// names: at most 15 characters), from the maps' info alone.
    public static func arenaIDs(named name: String? = nil) throws(LiveError) -> [UInt32] {
        let kept = name.map { String($0.utf8.prefix(15)) ?? $0 }
        return try ArenaMaps.records().filter { kept == nil || $0.name == kept }.map(\.id)
    }

    public convenience init(mapID: UInt32, keepAlive: Bool = false, sampler: ArenaSampler? = nil) throws(LiveError) {
        try KernelSupport.requireArenas()
        try Capability.requireLiveInspection()
        let (fd, identity) = try LiveMap.openArena(id: mapID)
        try self.init(fd: fd, mapID: mapID, identity: identity, keepAlive: keepAlive, sampler: sampler)
    }

    /// Attaches to the arena pinned at `path`: the map the pin holds.
    public convenience init(pinnedAt path: String, keepAlive: Bool = false) throws(LiveError) {
        try KernelSupport.requireArenas()
        try Capability.requireLiveInspection()
        let (fd, mapID, identity) = try LiveMap.openArena(pinnedAt: path)
        try self.init(fd: fd, mapID: mapID, identity: identity, keepAlive: keepAlive, sampler: nil)
    }

    /// Attaches through `fd`, the arena's, which it closes or (`keepAlive`) holds.
    private init(fd: Int32, mapID: UInt32, identity: LiveMap.Identity, keepAlive: Bool, sampler: ArenaSampler?) throws(LiveError) {
        self.mapID = mapID
        self.keepAlive = keepAlive
        self.identity = identity
        liveRoots = LiveRoots(arenaID: mapID)
        if keepAlive { heldFD = fd } else { close(fd) }
        do throws(LiveError) {
            if let sampler { self.sampler = sampler } else { self.sampler = try ArenaSampler() }
        } catch {
            if let heldFD { close(heldFD) }
            throw error
        }
    }

    deinit {
        if let heldFD { close(heldFD) }
    }

    /// The map id of the arena pinned at `path`.
    public static func mapID(pinnedAt path: String) throws(LiveError) -> UInt32 {
        let (fd, id, _) = try LiveMap.openArena(pinnedAt: path)
        close(fd)
        return id
    }

    public var capabilities: SourceCapabilities { [.pageBytes, .types, .keepAlive] }

    public var descriptor: SourceDescriptor {
        SourceDescriptor(kind: .live, details: [("map_id", .number(UInt64(mapID))), ("name", .text(identity.name))])
    }

    /// Samples page states and free ranges once; a walk that saw the arena change is
    /// `LiveError.torn`, and the sampling backend decides whether to try again.
    public func sample() throws(LiveError) -> Snapshot {
        let pass = try sampler.run(target: mapID)
        guard let record = pass.records.first(where: { $0.id == mapID }),
            LiveMap.Identity(name: record.name, maxPages: record.maxPages) == identity
        else {
            reader = nil
            throw .gone(id: mapID)
        }
        guard let pages = try Self.pageMap(pass, record) else { throw .torn(id: mapID) }
        let snapshot = Snapshot(
            source: descriptor, geometry: record.geometry, pages: markMapped(pages, record),
            roots: liveRoots.roots(record))
        releaseIfAlone(record)
        geometry = record.geometry
        return snapshot
    }

    /// Page states from one pass, or nil when the pass is torn (inconsistent).
    static func pageMap(_ pass: SamplerPass, _ record: ArenaRecord) throws(LiveError) -> PageMap? {
        switch record.status {
        case UInt32(AS_TORN.rawValue): return nil
        case UInt32(AS_TOO_MANY.rawValue): throw .unreadable("arena \(record.id) has more than \(AS_MAX_RANGES) free ranges or guard runs")
        default: break
        }
        let free = pass.freeRanges
        let reserved = pass.reservedRuns
        guard free.count == record.freeRangeCount,
            free.reduce(0, { $0 + UInt64($1.count) }) == record.freePages,
            reserved.reduce(0, { $0 + UInt64($1.count) }) == record.reservedPages
        else { return nil }
        var builder = PageMapBuilder(expectedRuns: 2 * (free.count + reserved.count) + 1)
        var next: UInt32 = 0
        var freeIndex = 0
        var reservedIndex = 0
        while freeIndex < free.count || reservedIndex < reserved.count {
            let takeFree =
                reservedIndex == reserved.count
                || (freeIndex < free.count && free[freeIndex].first < reserved[reservedIndex].first)
            let range = takeFree ? free[freeIndex] : reserved[reservedIndex]
            guard range.first >= next, range.last < record.maxPages else { return nil }
            builder.append(.allocated, count: range.first - next)
            builder.append(takeFree ? .free : .reserved, count: range.count)
            next = range.last + 1
            if takeFree { freeIndex += 1 } else { reservedIndex += 1 }
        }
        return withDeferredFrees(builder.build(pageCount: record.maxPages, fill: .allocated), pass.freeingSpans, record)
    }

    /// Marks the claimed pages of frees in flight (7.0+) `freeing`; nil (torn) when a span
    /// covers a free page (the worker finished between the walks) or spans went missing.
    static func withDeferredFrees(_ pages: PageMap, _ spans: [PageRange], _ record: ArenaRecord) -> PageMap? {
        guard spans.count == record.freeingSpanCount, spans.reduce(0, { $0 + UInt64($1.count) }) == record.freeingPages else { return nil }
        guard !spans.isEmpty else { return pages }
        let merged = PageRange.merged(spans)
        let coverFreePages = merged.contains { span in
            pages.runs[pages.runIndex(containing: span.first)...].prefix { $0.first <= span.last }.contains { $0.state.isFree }
        }
        guard !coverFreePages else { return nil }
        return pages.relabelling(merged, from: .allocated, to: .freeing).relabelling(merged, from: .reserved, to: .freeing)
    }

    /// Splits allocated runs into allocated and mapped, from the page tables of the
    /// processes that map the arena.
    private func markMapped(_ pages: PageMap, _ record: ArenaRecord) -> PageMap {
        let geometry = record.geometry
        let now = monotonicSeconds()
        if let known = record.mappingProcesses {
            mappingPIDs = known
        } else if record.mappingCount != mappingsAtScan || now - pidsScannedAt >= processScanInterval {
            mappingPIDs = ProcessMappings.processes(of: record)
            pidsScannedAt = now
            mappingsAtScan = record.mappingCount
        }
        guard !mappingPIDs.isEmpty,
            let first = pages.runs.first(where: { $0.state == .allocated }),
            let last = pages.runs.last(where: { $0.state == .allocated })
        else { return pages }
        let present = pageTables.presentPages(pids: mappingPIDs, geometry: geometry, span: PageRange(first: first.first, last: last.last))
        return pages.relabelling(present, from: .allocated, to: .mapped)
    }

    /// Processes that mapped the arena at the last scan.
    public var processes: [Int32] { mappingPIDs }

    /// Those processes with their command names (`/proc/PID/comm`: untrusted text).
    public var processCommands: [(pid: Int32, comm: String)] { mappingPIDs.map { ($0, ProcessMappings.command(of: $0)) } }

    /// The programs that use the arena (id and name), as of the last sample.
    public var programs: [(id: UInt32, name: String)] { liveRoots.programs }

    /// Where the programs' `__arena` globals lie, as of the last sample: "start", "end" or
    /// "page N", and how many pages.
    public var globals: (place: String, pages: UInt32)? { liveRoots.globalsArea.map { ($0.place, $0.pages) } }

    /// Drops the reader once nobody but arenascope holds the arena, and never binds one
    /// again (page reads would keep the arena alive; the dropped program's reference also
    /// lingers a while, so the count cannot tell a new user from it). Our references: the
    /// iterator's while it ran, and a bound reader's program and libbpf's fd of the map.
    /// Other sessions' readers hold two each; they are counted (a walk over the loaded
    /// programs) only when the map's reference count changed since the last look.
    private func releaseIfAlone(_ record: ArenaRecord) {
        guard !keepAlive, !isReleased else { return }
        let ours: UInt64 = 1 + (reader == nil ? 0 : 2)
        var alone = record.referenceCount <= ours
        if !alone, record.referenceCount != referencesAtLastLook,
            let others = try? ArenaPrograms.readers(ofMap: mapID, excluding: reader?.programID)
        {
            alone = record.referenceCount <= ours + 2 * UInt64(others)
        }
        referencesAtLastLook = record.referenceCount
        if alone {
            isReleased = true
            reader = nil
        }
    }

    /// Drops the page reader, and the reference on the arena it holds, until bytes are read
    /// again: for long-lived users that read rarely (the exporter reads once a pass), so that
    /// an arena whose owner leaves between two passes goes at once.
    public func dropReader() { reader = nil }

    /// The map's reference count at the last sample.
    private var referencesAtLastLook: UInt64 = 0

    /// True once a sample saw no user of the arena but arenascope.
    private var isReleased = false

    public func pageBytes(_ page: UInt32) throws -> [UInt8] {
        try pageBytes([page])[page] ?? []
    }

    /// Pages the reader program copies in one run.
    public static var batchPages: Int { PageReader.batch }

    /// Bytes of backed pages, copied in batches by the reader program.
    public func pageBytes(_ pageIndexes: [UInt32]) throws(LiveError) -> [UInt32: [UInt8]] {
        var result: [UInt32: [UInt8]] = [:]
        try withPageBytes(pageIndexes) { page, bytes in result[page] = Array(bytes) }
        return result
    }

    /// Streams bytes of backed pages to `body` without copying them into arrays.
    public func withPageBytes(_ pageIndexes: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) -> Void) throws(LiveError) {
        let reader = try boundReader()
        var start = 0
        while start < pageIndexes.count {
            let batch = pageIndexes[start..<min(start + PageReader.batch, pageIndexes.count)]
            try reader.read(batch, body)
            start += batch.count
        }
    }

    /// The BTF of the programs that use the arena.
    /// The shape files the shapes folder keeps for the programs using the arena.
    public func shapeTexts() throws -> [ShapeText] { try ShapeFile.forPrograms(programs.map(\.name)) }
    /// The shapes folder's file of the first program that uses the arena.
    public var shapeFile: String? { ShapeFile.file(forProgram: programs.first?.name ?? "") }

    public func typeBlobs() throws -> [TypeBlob] {
        try ArenaPrograms.blobs(usingMap: mapID)
    }

    public func withBytes(ofPages pages: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) throws {
        var failure: (any Error)?
        try withPageBytes(pages) { page, bytes in
            guard failure == nil else { return }
            do { try body(page, bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func boundReader() throws(LiveError) -> PageReader {
        if let reader { return reader }
        guard !isReleased else { throw .released(id: mapID) }
        let geometry: ArenaGeometry
        if let known = self.geometry { geometry = known } else { geometry = try sample().geometry }
        let fd: Int32
        if let heldFD { fd = dup(heldFD) } else { fd = try LiveMap.openArena(id: mapID).fd }
        defer { close(fd) }
        let reader = try PageReader(arenaFD: fd, geometry: geometry)
        self.reader = reader
        return reader
    }
}
