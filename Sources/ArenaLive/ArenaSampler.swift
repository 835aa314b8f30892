import ArenaModel
import ArenaSignals
import CLibBPF
import Glibc

/// What the sampler program reported about one arena.
public struct ArenaRecord: Sendable, Hashable {
    public let id: UInt32
    public let name: String
    public let maxPages: UInt32
    public let flags: ArenaFlags
    public let userVMStart: UInt64
    public let userVMEnd: UInt64
    /// Start of the arena's window in kernel memory.
    public let kernelVMStart: UInt64
    public let freePages: UInt64
    public let reservedPages: UInt64
    /// The map's reference count as the iterator saw it (one of them is the iterator's).
    public let referenceCount: UInt64
    /// User mappings of the arena (each process mapping it has at least one).
    public let mappingCount: UInt32
    /// The processes that map the arena, from the kernel (nil where it cannot tell).
    public let mappingProcesses: [Int32]?
    /// Pages freed from contexts that cannot sleep and not freed yet (7.0+).
    public let freeingPages: UInt64
    /// Claimed pages the kernel mapped its scratch page at (7.1+): counted as reserved.
    public let scratchPages: UInt32
    /// Fields every layout needs that the kernel's struct bpf_arena lacks (`AS_FIELD_*`).
    let missingFields: UInt32
    let status: UInt32
    let freeRangeCount: Int
    let reservedRunCount: Int
    let freeingSpanCount: Int
    /// The frame behind the page asked for with `frameOfPage`.
    let pageFrame: UInt64

    init(_ raw: as_record) {
        id = raw.id
        name = fixedCString(raw.name)
        maxPages = raw.max_entries
        flags = ArenaFlags(rawValue: raw.map_flags)
        userVMStart = raw.user_vm_start
        userVMEnd = raw.user_vm_end
        kernelVMStart = raw.kern_vm_start
        freePages = raw.free_pages
        reservedPages = raw.reserved_pages
        referenceCount = raw.refcnt
        mappingCount = raw.vma_count
        mappingProcesses =
            raw.pids_known == 0
            ? nil
            : withUnsafeBytes(of: raw.pids) { bytes in
                Set(bytes.bindMemory(to: UInt32.self).prefix(Int(raw.pid_count)).map { Int32(bitPattern: $0) }).filter { $0 > 0 }.sorted()
            }
        freeingPages = raw.freeing_pages
        scratchPages = raw.scratch_pages
        missingFields = raw.missing
        status = raw.status
        freeRangeCount = Int(raw.free_ranges)
        reservedRunCount = Int(raw.reserved_runs)
        freeingSpanCount = Int(raw.freeing_spans)
        pageFrame = raw.page_frame
    }

    /// Pages with memory behind them (allocated or mapped).
    public var backedPages: UInt64 { UInt64(maxPages) - freePages - reservedPages }

    /// The arena's geometry; an arena nobody mapped yet has no user address (start 0).
    public var geometry: ArenaGeometry {
        ArenaGeometry(maxPages: maxPages, userVMStart: userVMStart, flags: flags)
    }
}

/// One pass of the sampler over the arenas it was asked about.
struct SamplerPass {
    var records: [ArenaRecord]
    /// Free ranges of the target arena (empty when listing every arena).
    var freeRanges: [PageRange]
    /// Pages out of the free ranges that failed the probe: reserved (guard) pages.
    var reservedRuns: [PageRange]
    /// Deferred frees in flight, as the kernel queued them (unsorted, may overlap).
    var freeingSpans: [PageRange]
}

/// The loaded sampler program (bpf/sampler.bpf.c): an `iter/bpf_map` program that walks
/// each arena's free range tree and probes claimed pages, never touching arena memory
/// through a mapping.
public final class ArenaSampler {
    private let object: BPFObject
    private let link: OpaquePointer
    private let configFD: Int32
    private let freeRanges: MappedArray<as_range>
    private let reservedRuns: MappedArray<as_range>
    private let freeingSpans: MappedArray<as_range>
    /// Probe claimed pages only where the kernel can reserve pages (6.17+); elsewhere
    /// every page out of the free ranges is backed.
    private let probeClaimed: Bool
    /// The configuration the program has, so that a source sampling one arena over and
    /// over does not write it again each time.
    private var configured: (target: UInt32, walkOnly: Bool, framePage: UInt32)?
    /// The iterator's output, kept between passes (it grows with the number of arenas).
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)

    public init() throws(LiveError) {
        try KernelSupport.requireArenas()
        try Capability.requireLiveInspection()
        do throws(LiveError) {
            object = try BPFObject(.sampler)
        } catch {
            throw LiveDiagnosis.explainSamplerFailure(error)
        }
        guard let link = bpf_program__attach_iter(try object.program("sample_arenas"), nil) else {
            let code = errno
            if code == EPERM { throw .refusal("attach the BPF iterator", needs: [.bpf, .perfmon]) }
            throw .system(call: "attaching the bpf_map iterator", errno: code)
        }
        self.link = link
        configFD = try object.mapFD("config")
        freeRanges = try MappedArray(fd: try object.mapFD("free_ranges"), capacity: Int(AS_MAX_RANGES))
        reservedRuns = try MappedArray(fd: try object.mapFD("reserved_runs"), capacity: Int(AS_MAX_RANGES))
        freeingSpans = try MappedArray(fd: try object.mapFD("freeing"), capacity: Int(AS_MAX_SPANS))
        probeClaimed = KernelSupport.canReservePages
    }

    deinit { bpf_link__destroy(link) }

    /// Where the kernel's direct map and page array start (and its memory-encryption mask),
    /// for the sampler's page-table walk: read from /proc/kallsyms once, when first needed.
    private static let kernelBases = KernelSymbols.addresses(of: ["page_offset_base", "vmemmap_base", "sme_me_mask"])
    /// Reads of the iterator that may say EAGAIN in one pass before it is an error.
    static let busyReads = 100

    /// Runs the iterator once. `target` 0 describes every arena (counts only). `walkOnly`
    /// walks and counts the free ranges and does nothing else: the baseline of benchmarks.
    /// `framePage` asks for the frame behind that page of the target (`frameOfPage`).
    func run(target: UInt32, walkOnly: Bool = false, framePage: UInt32? = nil) throws(LiveError) -> SamplerPass {
        let frameField = framePage.map { $0 + 1 } ?? 0
        if configured?.target != target || configured?.walkOnly != walkOnly || configured?.framePage != frameField {
            var key: UInt32 = 0
            // The walk's bases only where it is used: reading kallsyms costs a one-shot command 0.1 s.
            let walksPageTables = KernelSupport.hasScratchPage || framePage != nil
            let bases = walksPageTables ? Self.kernelBases : [:]
            var config = as_config(
                target_id: target, probe_claimed: probeClaimed ? 1 : 0, walk_only: walkOnly ? 1 : 0, frame_page: frameField,
                page_tables: walksPageTables ? 1 : 0, pad: 0,
                page_offset_base: bases["page_offset_base"] ?? 0,
                vmemmap_base: bases["vmemmap_base"] ?? 0, sme_me_mask: bases["sme_me_mask"] ?? 0)
            guard bpf_map_update_elem(configFD, &key, &config, UInt64(BPF_ANY)) == 0 else {
                configured = nil
                throw .system(call: "configuring the sampler", errno: errno)
            }
            configured = (target, walkOnly, frameField)
        }
        let iterator = bpf_iter_create(bpf_link__fd(link))
        guard iterator >= 0 else { throw .system(call: "creating a bpf_map iterator", errno: -iterator) }
        defer { close(iterator) }
        let recordSize = MemoryLayout<as_record>.size
        var filled = 0
        var busy = 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            let count = retryingInterrupted { buffer.withUnsafeMutableBytes { read(iterator, $0.baseAddress! + filled, $0.count - filled) } }
            if count < 0 {
                // A blocking iterator says EAGAIN only when the kernel is busy; a bounded number of times.
                if errno == EAGAIN && busy < Self.busyReads {
                    busy += 1
                    continue
                }
                throw .system(call: "reading the bpf_map iterator", errno: errno)
            }
            if count == 0 { break }
            filled += count
        }
        var records: [ArenaRecord] = []
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset + recordSize <= filled {
                records.append(ArenaRecord(bytes.loadUnaligned(fromByteOffset: offset, as: as_record.self)))
                offset += recordSize
            }
        }
        if let unknown = records.first(where: { $0.status == AS_UNKNOWN_LAYOUT.rawValue }) {
            throw .unsupported(KernelSupport.unknownLayout(missing: unknown.missingFields))
        }
        guard target != 0, !walkOnly, let record = records.first(where: { $0.id == target }) else {
            return SamplerPass(records: records, freeRanges: [], reservedRuns: [], freeingSpans: [])
        }
        return SamplerPass(
            records: records,
            freeRanges: Self.ranges(freeRanges, count: record.freeRangeCount),
            reservedRuns: Self.ranges(reservedRuns, count: record.reservedRunCount),
            freeingSpans: Self.ranges(freeingSpans, count: record.freeingSpanCount))
    }

    /// Describes every arena on the system.
    public func records() throws(LiveError) -> [ArenaRecord] {
        try run(target: 0).records
    }

    /// The physical frame behind `page` of arena `id`, from the kernel's page tables the way
    /// the scratch-page check reads them (x86-64); 0 where no page is mapped there. A check
    /// of that walk against what /proc/PID/pagemap says.
    public func frameOfPage(_ page: UInt32, arena id: UInt32) throws(LiveError) -> UInt64 {
        try run(target: id, framePage: page).records.first { $0.id == id }?.pageFrame ?? 0
    }

    /// Walks arena `id`'s free range tree and nothing else; returns the ranges counted.
    public func bareWalk(_ id: UInt32) throws(LiveError) -> Int {
        try run(target: id, walkOnly: true).records.first?.freeRangeCount ?? 0
    }

    private static func ranges(_ array: MappedArray<as_range>, count: Int) -> [PageRange] {
        (0..<min(count, array.capacity)).compactMap { index in
            let range = array[index]
            return range.first <= range.last ? PageRange(first: range.first, last: range.last) : nil
        }
    }
}
