import ArenaModel
import ArenaLive
import Glibc

/// A real arena of `pages` pages whose free space is cut into `ranges` ranges by one
/// allocated page every `spacing` pages (by default spread over the whole arena, one every
/// `pages / ranges`), driven by the workload programs.
struct FragmentedLiveArena {
    let fd: Int32
    let workload: LiveWorkload
    let id: UInt32
    let start: UInt64
    /// Pages from one allocated page to the next.
    let spacing: UInt32

    init(pages: UInt32, ranges: Int, spacing: UInt32? = nil, sampler: ArenaSampler) throws {
        fd = try LiveWorkload.createArena(pages: pages)
        workload = try LiveWorkload(mainArenaFD: fd)
        let id = try workload.arenaID
        self.id = id
        start = try sampler.records().first { $0.id == id }!.userVMStart
        let spacing = spacing ?? pages / UInt32(ranges)
        self.spacing = spacing
        let allocated = try workload.allocStrided(from: start, stride: UInt64(spacing) * 4096, count: UInt64(ranges))
        precondition(allocated == UInt64(ranges), "allocated \(allocated) of \(ranges) pages")
    }

    func release() { close(fd) }
}

/// Process CPU time (user + system) in seconds; the iterator's kernel work counts as system.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Runs `body` where this process can create and sample arenas (`LiveDiagnosis`);
/// elsewhere says in one line why not, and where the case runs instead.
func whereBPFIsAllowed(_ body: () throws -> [Figure]) throws -> [Figure] {
    if let refusal = LiveDiagnosis.refusal {
        print("   skipped: \(refusal) (scripts/test-kernels --bench runs the live cases in a VM)")
        return []
    }
    return try body()
}

let liveCases: [BenchmarkCase] = [
    BenchmarkCase(name: "live sample vs bare walk (issue 3)") {
        try whereBPFIsAllowed {
            let sampler = try ArenaSampler()
            var figures: [Figure] = []
            for (pages, ranges) in [(UInt32(1 << 20), 100_000), (UInt32(262_144), 10_000)] {
                let arena = try FragmentedLiveArena(pages: pages, ranges: ranges, sampler: sampler)
                defer { arena.release() }
                let source = try LiveSource(mapID: arena.id, sampler: sampler)
                let seen = try source.sample().stats.freeRanges
                precondition(seen == ranges, "sampled \(seen) ranges")
                let walk = { () throws -> Double in
                    try secondsTaken {
                        let walked = try sampler.bareWalk(arena.id)
                        precondition(walked == ranges, "walked \(walked) ranges")
                    }
                }
                let sample = { () throws -> Double in try secondsTaken { _ = try source.sample() } }
                // Paced as at 10 Hz, each run 100 ms after the last: that is how the inspector
                // samples, and it finds the tree cold (a walk repeated back to back keeps it hot,
                // as no sample ever finds it). Back-to-back medians are printed beside.
                var paced: [(walk: Double, sample: Double)] = []
                for _ in 0..<9 {
                    usleep(100_000)
                    let walked = try walk()
                    usleep(100_000)
                    paced.append((walked, try sample()))
                }
                let pacedWalk = median(paced.map(\.walk))
                let pacedSample = median(paced.map(\.sample))
                let busyWalk = try median((0..<7).map { _ in try walk() })
                let busySample = try median((0..<7).map { _ in try sample() })
                figures.append(
                    Figure(
                        name:
                            "sample/walk, \(pages) pages, \(ranges / 1000)k ranges, at 10 Hz (\(roundedText(pacedSample * 1000, places: 2))/\(roundedText(pacedWalk * 1000, places: 2)) ms; back to back \(roundedText(busySample * 1000, places: 2))/\(roundedText(busyWalk * 1000, places: 2)) ms)",
                        value: pacedSample / pacedWalk, unit: "x", target: 2, higherIsBetter: false))
            }
            return figures
        }
    },
    BenchmarkCase(name: "live sampling at 10 Hz (issue 3)") {
        try whereBPFIsAllowed {
            let sampler = try ArenaSampler()
            return [
                try cpuAtTenHertz(sampler: sampler, layout: .spread, mappedByOwner: false),
                // The usual case: the owner (a libbpf skeleton) maps the arena, so every
                // sample also scans its page table for the pages it faulted in, over the
                // span of allocated pages: all of the arena when they are spread over it,
                try cpuAtTenHertz(sampler: sampler, layout: .spread, mappedByOwner: true),
                // and its first 2,000 pages when they are packed at the bottom, as the kernel's
                // allocator leaves them in a fresh arena (the start of the smallest range that fits).
                try cpuAtTenHertz(sampler: sampler, layout: .packed, mappedByOwner: true),
            ]
        }
    },
    BenchmarkCase(name: "live sample cost vs max_pages (issue 15)") {
        // The first 1,000 pages allocated (where the kernel puts 1,000 one-page allocations in
        // a fresh arena) in a 1,048,576-page arena and in a 1,000-page one: a sample walks
        // ranges and probes claimed pages, never every page, so the big arena must cost
        // little more on any kernel (scripts/test-kernels --bench runs this inside each one).
        try whereBPFIsAllowed {
            let sampler = try ArenaSampler()
            let big = try FragmentedLiveArena(pages: 1 << 20, ranges: 1000, spacing: 1, sampler: sampler)
            defer { big.release() }
            let small = try FragmentedLiveArena(pages: 1000, ranges: 1000, spacing: 1, sampler: sampler)
            defer { small.release() }
            let bigSource = try LiveSource(mapID: big.id, sampler: sampler)
            let smallSource = try LiveSource(mapID: small.id, sampler: sampler)
            let smallFree = try smallSource.sample().stats[.free]
            let bigRanges = try bigSource.sample().stats.freeRanges
            precondition(smallFree == 0 && bigRanges == 1, "\(smallFree) free pages, \(bigRanges) ranges")
            var pairs: [(big: Double, small: Double)] = []
            for _ in 0..<15 {
                let bigTime = try secondsTaken { _ = try bigSource.sample() }
                pairs.append((bigTime, try secondsTaken { _ = try smallSource.sample() }))
            }
            let bigMedian = median(pairs.map(\.big))
            let smallMedian = median(pairs.map(\.small))
            return [
                Figure(
                    name:
                        "sample, 1M-page vs 1,000-page arena, 1,000 pages allocated in each (\(roundedText(bigMedian * 1000, places: 2))/\(roundedText(smallMedian * 1000, places: 2)) ms, Linux \(KernelSupport.release))",
                    value: median(pairs.map { $0.big / $0.small }), unit: "x", target: 3, higherIsBetter: false)
            ]
        }
    },
    BenchmarkCase(name: "live page bytes (issue 3)") {
        try whereBPFIsAllowed {
            let sampler = try ArenaSampler()
            let pages = 10_000
            let fd = try LiveWorkload.createArena(pages: 65_536)
            defer { close(fd) }
            let workload = try LiveWorkload(mainArenaFD: fd)
            let id = try workload.arenaID
            let start = try sampler.records().first { $0.id == id }!.userVMStart
            let allocated = try workload.allocStrided(from: start, stride: 4096, count: UInt64(pages))
            precondition(allocated == UInt64(pages))
            let source = try LiveSource(mapID: id, sampler: sampler)
            _ = try source.sample()
            let indexes = (0..<UInt32(pages)).map { $0 }
            var checksum: UInt64 = 0
            // The same bytes copied by memcpy through this benchmark's own mapping of its arena
            // (only backed pages, so nothing is allocated) into a 1 MiB ring that stays in L2:
            // memcpy at its best, whatever the reader's batch. Never done to a user's arena:
            // only to the one made here. The two alternate, so both meet the same conditions.
            let mapping = try workload.mapArena(at: start, pages: 65_536)
            let from = mapping.baseAddress
            let ring = 256
            let batchBytes = ring * 4096
            let into = UnsafeMutableRawPointer.allocate(byteCount: batchBytes, alignment: 4096)
            defer { into.deallocate() }
            memset(into, 0, batchBytes)
            // Alternating pairs, each run's ratio against the copy right after it: the
            // machine's memory bandwidth drifts (a VM's neighbours), so pairs compare like with like.
            var pairs: [(read: Double, copy: Double)] = []
            for _ in 0..<15 {
                let read = try secondsTaken {
                    try source.withPageBytes(indexes) { _, bytes in checksum &+= UInt64(bytes[0]) }
                }
                let copy = secondsTaken {
                    for page in 0..<pages { memcpy(into + (page % ring) * 4096, from + page * 4096, 4096) }
                    checksum &+= UInt64(into.load(as: UInt8.self))
                }
                pairs.append((read, copy))
            }
            let ratio = median(pairs.map { $0.copy / $0.read })
            let read = median(pairs.map(\.read))
            let copy = median(pairs.map(\.copy))
            var single: [Double] = []
            for page in 0..<200 {
                let t = monotonicSeconds()
                checksum &+= UInt64(try source.pageBytes(UInt32(page * 37 % pages)).count)
                single.append(monotonicSeconds() - t)
            }
            precondition(checksum != 0)
            let gigabytes = Double(pages * 4096) / 1e9
            return [
                Figure(
                    name:
                        "bulk read vs memcpy, median of 15 pairs (\(roundedText(gigabytes / read, places: 1)) vs \(roundedText(gigabytes / copy, places: 1)) GB/s)",
                    value: ratio * 100, unit: "%", target: 80, higherIsBetter: true),
                Figure(name: "one page on demand, median", value: median(single) * 1e6, unit: "µs", target: 50, higherIsBetter: false),
            ]
        }
    },
]

/// Where the allocated pages that cut an arena's free space into ranges lie.
enum AllocationLayout {
    /// One every `pages / ranges` pages, over the whole arena.
    case spread
    /// One every other page from the bottom: the ranges are one-page holes, and the rest of
    /// the arena is the last of them.
    case packed

    /// Pages from one allocated page to the next; nil for `FragmentedLiveArena`'s default.
    var spacing: UInt32? { self == .packed ? 2 : nil }

    /// Where the 1,000 allocated pages of the 10 Hz cases lie, in words.
    var placement: String { self == .packed ? "packed in the first 2,000 pages" : "spread over 65,536 pages" }
}

/// The share of one core that sampling a 65,536-page arena with 1,000 free ranges at
/// 10 Hz costs; with `mappedByOwner` this process maps the arena and has half
/// of its allocated pages faulted in, as an arena's owner does.
func cpuAtTenHertz(sampler: ArenaSampler, layout: AllocationLayout, mappedByOwner: Bool) throws -> Figure {
    let pages: UInt32 = 65_536
    let ranges = 1_000
    let arena = try FragmentedLiveArena(pages: pages, ranges: ranges, spacing: layout.spacing, sampler: sampler)
    defer { arena.release() }
    let mapping = mappedByOwner ? try arena.workload.mapArena(at: arena.start, pages: pages) : nil
    if let mapping {
        for index in stride(from: 0, to: ranges, by: 2) {
            mapping.store(UInt64(index), at: arena.start + UInt64(index) * UInt64(arena.spacing) * 4096 + 8)
        }
    }
    let backend = SamplingBackend(source: try LiveSource(mapID: arena.id, sampler: sampler), interval: 0.1, clock: monotonicSeconds)
    // Three windows of 4 s, and their median: one window now and then costs far more on
    // this VM, whatever runs (the host's other guests).
    var shares: [Double] = []
    for _ in 0..<3 {
        let wallStart = monotonicSeconds()
        let cpuStart = processCPUSeconds()
        while monotonicSeconds() - wallStart < 4 {
            let wait = backend.timeUntilNextSample
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            if case .sampled(let snapshot) = backend.tick() {
                precondition(snapshot.stats.freeRanges == ranges, "\(snapshot.stats.freeRanges) free ranges")
                precondition(snapshot.stats[.mapped] == (mappedByOwner ? UInt32(ranges / 2) : 0), "\(snapshot.stats[.mapped]) pages mapped")
            }
        }
        shares.append((processCPUSeconds() - cpuStart) / (monotonicSeconds() - wallStart) * 100)
    }
    withExtendedLifetime(mapping) {}
    let owner = mappedByOwner ? "mapped by its owner" : "mapped by nobody"
    let spanned = "\(roundedText(shares.min()!, places: 2))-\(roundedText(shares.max()!, places: 2))"
    return Figure(
        name: "CPU of one core, 1,000 ranges \(layout.placement), \(owner), median of 3 x 4 s (\(spanned))", value: median(shares), unit: "%", target: 0.5,
        higherIsBetter: false)
}
