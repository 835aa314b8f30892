import Foundation
import Synchronization
import Testing
import LiveTestSupport
import ArenaModel
@testable import ArenaLive

/// What newer kernels changed under the sampler: frees deferred from programs that cannot
/// sleep (7.0+) and the scratch page mapped where a kernel access faulted (7.1+). Every
/// kernel runs each test: older ones show what they lack (frees take effect at once).
@Suite(.serialized, .needsLiveArenas) struct LiveKernelChangesTests {
    /// The tree of each kernel (6.9-6.12's maple tree of allocated ranges, 6.13+'s range
    /// tree of free ones) against pages allocated, freed and faulted in known places.
    @Test func freeRangesAreExactlyWhereNothingWasAllocatedOrFaulted() throws {
        // An arena of its own at an address of its own (other suites map the workload's), fixed
        // with map_extra: an address the kernel picked and this process unmapped may be taken
        // by then.
        let start: UInt64 = 0x5000_0000
        let fd = try LiveWorkload.createArena(pages: LiveWorkload.arenaPages, at: start)
        defer { close(fd) }
        let workload = try LiveWorkload(mainArenaFD: fd)
        let id = try LiveMap.info(fd).id
        let page = { (index: UInt32) in start + UInt64(index) * 4096 }
        #expect(try workload.allocPages(1, hint: page(5)) == page(5))
        #expect(try workload.allocPages(4, hint: page(100)) == page(100))
        #expect(try workload.allocPages(96, hint: page(3000)) == page(3000))
        #expect(try workload.allocPages(1, hint: page(4095)) == page(4095))
        try workload.freePages(page(101), count: 1)
        try workload.freePages(page(3010), count: 6)
        let mapping = try workload.mapArena(at: start)
        mapping.store(7, at: page(2000))
        mapping.store(8, at: page(2001))
        let snapshot = try LiveSource(mapID: id).sample()
        let expected: [PageRange] = [
            .init(first: 0, last: 4), .init(first: 6, last: 99), .init(first: 101, last: 101), .init(first: 104, last: 1999),
            .init(first: 2002, last: 2999), .init(first: 3010, last: 3015), .init(first: 3096, last: 4094),
        ]
        #expect(snapshot.freeRanges == expected)
        #expect(snapshot.pages.state(ofPage: 2000) == .mapped && snapshot.pages.state(ofPage: 3009) == .allocated)
        #expect(snapshot.stats[.free] == expected.reduce(0) { $0 + $1.count })
    }

    /// The page-table walk the scratch-page check relies on (7.1+), checked on every kernel
    /// against the frame /proc/self/pagemap reports for a page this process faulted in.
    @Test func theKernelPageTableWalkFindsTheFramePagemapReports() throws {
        let start: UInt64 = 0x6000_0000
        let fd = try LiveWorkload.createArena(pages: 64, at: start)
        defer { close(fd) }
        let workload = try LiveWorkload(mainArenaFD: fd)
        let id = try LiveMap.info(fd).id
        let sampler = try ArenaSampler()
        let mapping = try workload.mapArena(at: start, pages: 64)
        mapping.store(0x1234, at: start + 3 * 4096)
        let pagemap = open("/proc/self/pagemap", O_RDONLY)
        defer { close(pagemap) }
        var entry: UInt64 = 0
        #expect(pread(pagemap, &entry, 8, off_t((start + 3 * 4096) / 4096 * 8)) == 8)
        #expect(entry >> 63 == 1, "the page is present")
        let frame = entry & ((1 << 55) - 1)
        #expect(frame != 0, "root reads frame numbers from pagemap")
        #expect(try sampler.frameOfPage(3, arena: id) == frame)
        #expect(try sampler.frameOfPage(5, arena: id) == 0, "nothing behind a page never allocated")
    }

    @Test func deferredFreesAreCaughtInFlightAndThenFree() throws {
        let fd = try LiveWorkload.createArena(pages: 256)
        defer { close(fd) }
        let id = try LiveMap.info(fd).id
        let source = try LiveSource(mapID: id)
        guard KernelSupport.defersFrees else {
            // Before 7.0 a free is done by the time the kfunc returns: never `freeing`.
            let workload = try LiveWorkload(mainArenaFD: fd)
            let address = try workload.allocPages(4)
            try workload.freePages(address, count: 4)
            let snapshot = try source.sample()
            #expect(snapshot.stats[.freeing] == 0 && snapshot.stats[.free] == 256)
            print("Linux \(KernelSupport.release) frees at once (deferred frees came in 7.0): no page was freeing")
            return
        }
        let programs = try NonSleepablePrograms(arenaFD: fd)
        let stop = Flag()
        let finished = Flag()
        let freed = Atomic<Int>(0)
        nonisolated(unsafe) let churn = programs
        let churner = Thread {
            while !stop.isSet {
                freed.add(Int((try? churn.freeDeferred(pages: 64, idleSteps: 200_000)) ?? 0), ordering: .relaxed)
            }
            finished.set()
        }
        churner.start()
        var caught: Snapshot?
        let deadline = monotonicSeconds() + 30
        while caught == nil && monotonicSeconds() < deadline {
            guard let snapshot = try? source.sample() else { continue }
            if snapshot.stats[.freeing] > 0 { caught = snapshot }
        }
        stop.set()
        while !finished.isSet { usleep(1_000) }
        #expect(freed.load(ordering: .relaxed) > 0, "the program freed pages")
        let snapshot = try #require(caught, "no sample caught a deferred free in 30 s")
        // Each round frees 64 pages; the kernel's worker may be part way through a span when
        // the sample is taken (seen on 7.2 under TCG: 4 pages), so only the bounds hold.
        #expect(Int(snapshot.stats[.freeing]) <= freed.load(ordering: .relaxed), "no more pages in flight than the program freed")
        #expect(snapshot.pages.pageCount == 256)
        // Once the worker ran, every page is free again.
        // The worker runs when the machine lets it: waited for up to 30 s, not assumed quick.
        var settled = try source.sample()
        let settleBy = monotonicSeconds() + 30
        while settled.stats[.free] != 256 && monotonicSeconds() < settleBy {
            usleep(10_000)
            settled = try source.sample()
        }
        #expect(settled.stats[.free] == 256 && settled.stats[.freeing] == 0)
    }

    @Test func aFaultedReservedPageStaysReserved() throws {
        guard KernelSupport.defersFrees else {
            print("Linux \(KernelSupport.release) has no scratch page (7.1+) and refuses arena kfuncs where programs cannot sleep (7.0+)")
            return
        }
        let fd = try LiveWorkload.createArena(pages: 64)
        defer { close(fd) }
        let source = try LiveSource(mapID: try LiveMap.info(fd).id)
        let programs = try NonSleepablePrograms(arenaFD: fd)
        let id = try LiveMap.info(fd).id
        let start = try source.sample().geometry.userVMStart
        let window = try #require(try ArenaSampler().run(target: id).records.first).kernelVMStart
        #expect(try programs.reserve(start + 10 * 4096, pages: 2) == 0)
        // A load from a reserved page faults; 7.1+ maps the scratch page there.
        try programs.touch(start + 10 * 4096, kernelWindow: window)
        try programs.touch(start + 30 * 4096, kernelWindow: window)
        let record = try #require(try ArenaSampler().run(target: id).records.first)
        let snapshot = try source.sample()
        #expect(snapshot.pages.state(ofPage: 10) == .reserved && snapshot.pages.state(ofPage: 11) == .reserved)
        #expect(snapshot.pages.state(ofPage: 30) == .free, "a faulted free page stays free")
        #expect(snapshot.stats[.allocated] == 0 && snapshot.stats[.reserved] == 2)
        // Where the kernel mapped its scratch page the sampler counted it; neither an arena
        // load nor bpf_probe_read_kernel from a program makes it do so (both faults are
        // fixed up), only kernel code without a fixup does.
        #expect(record.scratchPages <= 1)
        print(
            "Linux \(KernelSupport.release): scratch page \(KernelSupport.hasScratchPage ? "exists" : "absent"); claimed pages behind it: \(record.scratchPages)"
        )
    }
}
