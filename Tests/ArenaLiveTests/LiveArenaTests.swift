import Testing
import LiveTestSupport
import Foundation
import Synchronization
import ArenaModel
import CLibBPF
@testable import ArenaLive

/// Real arenas built by real BPF programs, inspected through the sampler and the reader.
/// Serialized: the workload maps its arena at a fixed address.
@Suite(.serialized, .needsLiveArenas) struct LiveArenaTests {
    let pageSize: UInt64 = 4096
    let base = LiveWorkload.arenaAddress

    func address(_ page: UInt32) -> UInt64 { base + UInt64(page) * pageSize }

    @Test func listShowsEveryArenaWithItsFlagsAndMappers() throws {
        let workload = try LiveWorkload()
        _ = try workload.buildList(count: 10)
        let mapping = try workload.mapArena()
        mapping.store(1, at: address(4000))
        let arenas = try ArenaSampler().arenas()
        let main = try #require(arenas.first { $0.record.id == (try? workload.arenaID) })
        let narrow = try #require(arenas.first { $0.record.id == (try? workload.narrowArenaID) })
        #expect(main.record.name == "arena" && main.record.maxPages == LiveWorkload.arenaPages)
        #expect(main.record.userVMStart == base && main.record.userVMEnd == base + UInt64(LiveWorkload.arenaPages) * pageSize)
        #expect(main.pages?.backedPages == 2, "one node page and one faulted page")
        #expect(main.pages?[.mapped] == 1 && main.pages?[.allocated] == 1, "the faulted page is mapped by this process")
        #expect(main.pages?[.reserved] == 0)
        #expect(main.pids.contains(getpid()))
        #expect(narrow.record.flags.contains(.noUserConv))
        #expect(narrow.record.userVMStart > 1 << 32, "the NO_USER_CONV arena lives above 4 GiB")
        #expect(!narrow.pids.contains(getpid()))
        withExtendedLifetime(mapping) {}
    }

    @Test func processesAreAttributedToTheirOwnArena() throws {
        let mapped = try LiveWorkload()
        let mapping = try mapped.mapArena()
        let other = try LiveWorkload()  // the same fixed address, mapped by nobody
        let arenas = try ArenaSampler().arenas()
        #expect(arenas.first { $0.record.id == (try? mapped.arenaID) }?.pids == [getpid()])
        #expect(arenas.first { $0.record.id == (try? other.arenaID) }?.pids == [], "not fooled by an equal address range")
        withExtendedLifetime(mapping) {}
    }

    @Test func pageStatesAndFreeRangesFollowWhatTheProgramsDid() throws {
        let workload = try LiveWorkload()
        let source = try LiveSource(mapID: try workload.arenaID)
        #expect(try workload.allocPages(3, hint: address(100)) == address(100))
        #expect(try workload.allocPages(2, hint: address(200)) == address(200))
        #expect(try workload.allocPages(1, hint: address(201)) == 0, "busy")
        var snapshot = try source.sample()
        #expect(snapshot.freeRanges == [PageRange(first: 0, last: 99), PageRange(first: 103, last: 199), PageRange(first: 202, last: 4095)])
        #expect(snapshot.pages.state(ofPage: 101) == .allocated)
        #expect(snapshot.stats[.allocated] == 5)
        // Freed pages go back and merge.
        try workload.freePages(address(100), count: 3)
        snapshot = try source.sample()
        #expect(snapshot.freeRanges == [PageRange(first: 0, last: 199), PageRange(first: 202, last: 4095)])
        // A page taken without a hint goes where the kernel's allocator puts it (6.13+: the
        // one-page hole, best fit; 6.9-6.12: the lowest gap): the sample shows it there.
        #expect(try workload.allocPages(5, hint: address(300)) == address(300))
        try workload.freePages(address(302), count: 1)
        let landed = try workload.allocPages(1)
        let page = UInt32((landed - address(0)) / 4096)
        var free = Set(Array(0...199) + Array(202...299) + [302] + Array(305...4095))
        #expect(free.remove(Int(page)) != nil, "the page came from a free range: \(page)")
        #expect(try source.sample().freeRanges == PageRange.runs(of: free.sorted().map(UInt32.init)))
    }

    @Test func pagesFaultedFromUserSpaceAreMapped() throws {
        let workload = try LiveWorkload()
        let source = try LiveSource(mapID: try workload.arenaID)
        let allocated = try workload.allocPages(1, hint: address(10))
        #expect(allocated == address(10))
        let mapping = try workload.mapArena()
        mapping.store(0xFEED, at: address(3000) + 8)  // faults in a free page
        mapping.store(0xBEEF, at: address(10) + 16)  // touches a page a program allocated
        let snapshot = try source.sample()
        #expect(snapshot.pages.state(ofPage: 3000) == .mapped)
        #expect(snapshot.pages.state(ofPage: 10) == .mapped)
        #expect(snapshot.stats[.mapped] == 2 && snapshot.stats[.allocated] == 0)
        // Within one allocated run, only the pages this process touched are mapped.
        #expect(try workload.allocPages(8, hint: address(20)) == address(20))
        for page: UInt32 in [21, 22, 25] { mapping.store(UInt64(page), at: address(page) + 24) }
        let run = try source.sample().pages
        #expect((20...27).map { run.state(ofPage: $0) } == [.allocated, .mapped, .mapped, .allocated, .allocated, .mapped, .allocated, .allocated])
        var reader = ArenaReader(snapshot: snapshot, source: source)
        #expect(try reader.word(at: address(3000) + 8) == 0xFEED)
        #expect(try reader.word(at: address(10)) == LiveWorkload.pageMagic)
        #expect(try reader.word(at: address(10) + 16) == 0xBEEF)
        withExtendedLifetime(mapping) {}
    }

    @Test func pagemapsStayOpenWhileTheirProcessLivesAndCloseWhenItIsGone() throws {
        let workload = try LiveWorkload()
        let mapping = try workload.mapArena()
        let geometry = try LiveSource(mapID: try workload.arenaID).sample().geometry
        mapping.store(1, at: address(7) + 8)
        let scanner = PresentPageScanner()
        let span = PageRange(first: 0, last: LiveWorkload.arenaPages - 1)
        #expect(scanner.presentPages(pids: [getpid()], geometry: geometry, span: span) == [PageRange(first: 7, last: 7)])
        mapping.store(2, at: address(9) + 8)
        #expect(
            scanner.presentPages(pids: [getpid()], geometry: geometry, span: span) == [PageRange(first: 7, last: 7), PageRange(first: 9, last: 9)],
            "the pagemap kept open sees pages faulted since")
        #expect(openPagemaps(scanner) == ["/proc/\(getpid())/pagemap"])

        // Another process, scanned while it lives, then gone: its pagemap is dropped.
        var child: pid_t = 0
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("sleep"), strdup("30"), nil]
        defer { arguments.forEach { free($0) } }
        try #require(posix_spawnp(&child, "sleep", nil, nil, arguments, environ) == 0 && child > 0)
        #expect(scanner.presentPages(pids: [getpid(), child], geometry: geometry, span: span).count == 2)
        #expect(openPagemaps(scanner) == ["/proc/\(child)/pagemap", "/proc/\(getpid())/pagemap"].sorted())
        let childFD = try #require(scanner.pagemaps[child])
        kill(child, SIGKILL)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        #expect(scanner.presentPages(pids: [getpid(), child], geometry: geometry, span: span).count == 2)
        #expect(openPagemaps(scanner) == ["/proc/\(getpid())/pagemap"])
        #expect(link(ofDescriptor: childFD) != "/proc/\(child)/pagemap", "the gone process's pagemap was closed")
        // A process no longer among the arena's mappers has its pagemap closed too.
        let ownFD = try #require(scanner.pagemaps[getpid()])
        #expect(scanner.presentPages(pids: [], geometry: geometry, span: span).isEmpty)
        #expect(openPagemaps(scanner).isEmpty && link(ofDescriptor: ownFD) != "/proc/\(getpid())/pagemap")
        withExtendedLifetime(mapping) {}
    }

    /// What the scanner's descriptors are open on, from this process's fd table (other
    /// suites' sources may hold pagemaps of their own meanwhile: only the scanner's count).
    private func openPagemaps(_ scanner: PresentPageScanner) -> [String] {
        scanner.pagemaps.values.compactMap(link(ofDescriptor:)).sorted()
    }

    private func link(ofDescriptor fd: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
    }

    @Test func reservedGuardPagesAreNeitherFreeNorBacked() throws {
        let workload = try LiveWorkload()
        let source = try LiveSource(mapID: try workload.arenaID)
        guard let result = try workload.reservePages(address(2000), count: 3) else {
            print("reserve test skipped: this kernel has no bpf_arena_reserve_pages (Linux 6.17+)")
            return
        }
        #expect(result == 0)
        #expect(try workload.reservePages(address(2001), count: 1) == -16, "EBUSY")
        _ = try workload.allocPages(1, hint: address(2003))
        let snapshot = try source.sample()
        #expect(snapshot.pages.state(ofPage: 2000) == .reserved && snapshot.pages.state(ofPage: 2002) == .reserved)
        #expect(snapshot.pages.state(ofPage: 2003) == .allocated)
        #expect(snapshot.stats[.reserved] == 3)
        // Probing them (a plain load that faults, then the helper) backed nothing.
        for _ in 0..<3 {
            let again = try source.sample()
            #expect(again.stats[.reserved] == 3 && again.freeRanges == snapshot.freeRanges)
        }
        var reader = ArenaReader(snapshot: snapshot, source: source)
        #expect(throws: ReadError.notBacked(address: address(2001), page: 2001, state: .reserved)) { try reader.read(address(2001), length: 8) }
    }

    @Test func listChainsAndHashBucketsReadBackAsWritten() throws {
        let workload = try LiveWorkload()
        let head = try workload.buildList(count: 50, firstValue: 1000)
        let table = try workload.buildHash(count: 200, buckets: 64)
        let source = try LiveSource(mapID: try workload.arenaID)
        let snapshot = try source.sample()
        var reader = ArenaReader(snapshot: snapshot, source: source)
        let decoder = PointerDecoder(geometry: snapshot.geometry)
        let chain = try reader.chase(from: head, offset: 0, maxHops: 100, decoder: decoder)
        #expect(chain.stop == .null)
        #expect(chain.hops.count == 50)
        for (index, hop) in chain.hops.enumerated() {
            #expect(try reader.word(at: hop.address + 8) == 1049 - UInt64(index), "values, newest first")
            #expect(try reader.word(at: hop.address + 16) == LiveWorkload.nodeMagic)
        }
        var keys: Set<UInt64> = []
        for bucket in 0..<UInt64(64) {
            let first = try reader.word(at: table + bucket * 8)
            guard first != 0 else { continue }
            let nodes = try reader.chase(from: first, offset: 0, maxHops: 1000, decoder: decoder)
            #expect(nodes.stop == .null)
            for node in nodes.hops {
                let key = try reader.word(at: node.address + 8)
                #expect(key % 64 == bucket)
                keys.insert(key)
            }
        }
        #expect(keys == Set(0..<200))
    }

    @Test func noUserConvArenasHold32BitPointers() throws {
        let workload = try LiveWorkload()
        let head = try workload.buildList(count: 20, narrow: true)
        let source = try LiveSource(mapID: try workload.narrowArenaID)
        let snapshot = try source.sample()
        #expect(snapshot.geometry.flags.contains(.noUserConv))
        #expect(head >> 32 == 0 || head >= snapshot.geometry.userVMStart)
        var reader = ArenaReader(snapshot: snapshot, source: source)
        let first = snapshot.geometry.userVMStart | (head & 0xFFFF_FFFF)
        let stored = try reader.word(at: first)
        #expect(stored != 0 && stored >> 32 == 0, "next pointers are stored as their low 32 bits")
        let chain = try reader.chase(from: first, offset: 0, maxHops: 100, decoder: PointerDecoder(geometry: snapshot.geometry))
        #expect(chain.stop == .null)
        #expect(chain.hops.count == 20)
        let strict = try reader.chase(from: first, offset: 0, maxHops: 100, decoder: PointerDecoder(geometry: snapshot.geometry, acceptsLow32: false))
        #expect(strict.stop == .notArena, "without the low-32 rule the chain stops at once")
    }

    @Test func samplingAndReadingEveryPageChangeNothing() throws {
        let workload = try LiveWorkload()
        _ = try workload.buildList(count: 300)
        _ = try workload.allocPages(7, hint: address(1000))
        try workload.freePages(address(1002), count: 2)
        _ = try workload.reservePages(address(3000), count: 2)
        let id = try workload.arenaID
        let sampler = try ArenaSampler()
        let before = try LiveEnvironment.freeRanges(sampler, id)
        let source = try LiveSource(mapID: id, sampler: sampler)
        var snapshot = try source.sample()
        for _ in 0..<20 { snapshot = try source.sample() }
        // Ask the reader program for every page, unbacked ones included: loads from an
        // unbacked page read 0 and allocate nothing.
        let all = Array(0..<LiveWorkload.arenaPages)
        let bytes = try source.pageBytes(all)
        #expect(bytes.count == all.count)
        #expect(bytes[2000].map { page in page.allSatisfy { $0 == 0 } } == true, "an unbacked page reads as zeroes")
        var reader = ArenaReader(snapshot: snapshot, source: source)
        for page in all { _ = try? reader.read(address(page), length: pageSize) }
        #expect(try LiveEnvironment.freeRanges(sampler, id) == before, "free ranges exactly as before")
        #expect(try source.sample().pages == snapshot.pages)
    }

    @Test func aVanishedArenaIsReportedAndItsLastSnapshotKept() throws {
        var workload: LiveWorkload? = try LiveWorkload()
        let id = try workload!.arenaID
        _ = try workload!.buildList(count: 5)
        let source = try LiveSource(mapID: id)
        let backend = SamplingBackend(source: source, clock: monotonicSeconds)
        _ = try source.pageBytes(0)  // binds a reader program to the arena
        let last = try backend.snapshot()
        workload = nil  // the owner goes away; only our reader is left
        var sawGone = false
        for _ in 0..<50 where !sawGone {
            switch backend.sampleNow() {
            case .gone(let error):
                #expect(error as? LiveError == .gone(id: id))
                sawGone = true
            case .sampled: usleep(20_000)
            case .failed(let error): Issue.record("sampling failed: \(error)")
            }
        }
        #expect(sawGone, "the inspector let the arena go")
        #expect(backend.isGone)
        #expect(backend.latest?.pages == last.pages, "the last good snapshot is kept")
        if case .sampled = backend.sampleNow() { Issue.record("a gone arena was sampled again") }
        #expect(throws: LiveError.self) { _ = try source.pageBytes(0).count }
    }

    @Test func readingBytesAfterTheOwnerLeftDoesNotKeepTheArena() throws {
        // The inspector reads the cursor's page after every sample: that must not bind a
        // new reader (and hold the arena) once the arena has no other user.
        let gone = try sessionsSeeTheArenaGoAfterItsOwner(sessions: 1, tries: 100)
        #expect(gone == [true], "the arena went away although its bytes were being read")
    }

    @Test func twoSessionsReadingOneArenaDoNotKeepItAlive() throws {
        // Two inspectors on one arena, both reading its bytes: each must tell the other's
        // reader from a user of the arena once the owner has gone.
        let gone = try sessionsSeeTheArenaGoAfterItsOwner(sessions: 2, tries: 150)
        #expect(gone == [true, true], "the arena outlived its owner while two sessions read it")
    }

    /// Opens `sessions` live sources on a new arena, each reading a page, lets the arena's
    /// owner go, then samples and reads a page as the inspector does, every 20 ms for up to
    /// `tries` rounds: for each session, whether it saw the arena gone.
    func sessionsSeeTheArenaGoAfterItsOwner(sessions count: Int, tries: Int) throws -> [Bool] {
        var workload: LiveWorkload? = try LiveWorkload()
        let id = try workload!.arenaID
        _ = try workload!.buildList(count: 5)
        let sessions = try (0..<count).map { _ in try LiveSource(mapID: id) }
        for session in sessions { _ = try session.pageBytes(0) }
        workload = nil
        var gone = [Bool](repeating: false, count: count)
        for _ in 0..<tries where gone.contains(false) {
            for (index, session) in sessions.enumerated() where !gone[index] {
                switch Result(catching: { () throws(LiveError) in try session.sample() }) {
                case .success: _ = try? session.pageBytes(0)
                case .failure(.gone): gone[index] = true
                case .failure(let error): throw error
                }
            }
            usleep(20_000)
        }
        return gone
    }

    @Test func samplesTakenWhileProgramsChurnTheArenaAreWholeOrReportedTorn() throws {
        // A program allocates and frees pages on another thread while samples walk the
        // range tree: every snapshot must be a consistent arena or be reported torn.
        nonisolated(unsafe) let workload = try LiveWorkload()
        let source = try LiveSource(mapID: try workload.arenaID)
        let stop = Flag()
        let finished = Flag()
        let rounds = Atomic<Int>(0)
        let churner = Thread {
            var seed: UInt64 = 1
            while !stop.isSet {
                try? workload.churn(steps: 64, seed: seed)
                seed += 1
                rounds.add(1, ordering: .releasing)
            }
            finished.set()
        }
        churner.start()
        defer {
            stop.set()
            while !finished.isSet { usleep(1_000) }
        }
        var whole = 0
        var torn = 0
        var seen = Set<[PageRange]>()
        for _ in 0..<300 {
            // With every test running at once on two cores the churner can starve: each sample
            // waits (up to 20 ms) for a round of churn since the one before.
            let before = rounds.load(ordering: .acquiring)
            for _ in 0..<20 where rounds.load(ordering: .acquiring) == before { usleep(1_000) }
            switch Result(catching: { () throws(LiveError) in try source.sample() }) {
            case .success(let snapshot):
                let ranges = snapshot.freeRanges
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.last + 1 < $1.first }, "free ranges sorted, apart")
                #expect(ranges.last.map { $0.last < LiveWorkload.arenaPages } ?? true)
                #expect(UInt64(snapshot.stats.pages.total) == UInt64(LiveWorkload.arenaPages))
                whole += 1
                seen.insert(ranges)
            case .failure(.torn): torn += 1
            case .failure(let error): throw error
            }
        }
        #expect(whole > 150, "\(whole) whole samples, \(torn) torn")
        #expect(seen.count > 100, "the arena changed under the samples: \(seen.count) different free-range lists")
    }

    @Test func keepAliveHoldsTheArenaForPostMortem() throws {
        var workload: LiveWorkload? = try LiveWorkload()
        let id = try workload!.arenaID
        let head = try workload!.buildList(count: 5)
        let source = try LiveSource(mapID: id, keepAlive: true)
        workload = nil
        for _ in 0..<5 { _ = try source.sample(); usleep(10_000) }
        let snapshot = try source.sample()
        var reader = ArenaReader(snapshot: snapshot, source: source)
        #expect(try reader.word(at: head + 16) == LiveWorkload.nodeMagic)
    }

    @Test func unknownIdsAndOtherMapsAreClearErrors() throws {
        #expect(throws: LiveError.noSuchMap(id: 0x7FFF_FFF0)) { try LiveSource(mapID: 0x7FFF_FFF0) }
        let fd = bpf_map_create(BPF_MAP_TYPE_HASH, "notarena", 4, 8, 16, nil)
        try #require(fd >= 0)
        defer { close(fd) }
        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        try #require(bpf_obj_get_info_by_fd(fd, &info, &length) == 0)
        #expect(throws: LiveError.notArena(id: info.id, name: "notarena", type: 1)) { try LiveSource(mapID: info.id) }
        #expect(LiveError.notArena(id: info.id, name: "notarena", type: 1).description.contains("hash map"))
    }
}

/// A flag one thread sets and another reads.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
