import ArenaEmulator
import ArenaExport
import ArenaModel
import ArenaText
import EmulatedHost
import Testing
import LiveTestSupport
@testable import ArenaLive

/// The emulator beside the kernel on one script of allocations, frees and reservations: where
/// the kernel allocates from a range tree (6.13+, the rules the emulator follows), every
/// address and every page's state must agree, and the exporter's figures with them; on older
/// kernels (a maple tree, first fit) the places may differ, the counts may not.
@Suite(.serialized, .needsLiveArenas) struct EmulatorAgreementTests {
    /// SplitMix64: the same script on every run and kernel.
    struct Script {
        var state: UInt64
        mutating func next(_ bound: UInt64) -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (z ^ (z >> 31)) % bound
        }
    }

    @Test func theEmulatorAllocatesAsTheKernelDoes() throws {
        let workload = try LiveWorkload()
        let id = try workload.arenaID
        let live = try LiveSource(mapID: id)
        let start = try live.sample()
        let geometry = start.geometry
        let emulated = try EmulatedArena(maxPages: geometry.maxPages, mapExtra: geometry.userVMStart)
        // What the program holds before the script (its globals), held in the emulator too.
        for run in start.pages.runs where run.state.isBacked {
            #expect(emulated.allocPages(hint: geometry.address(ofPage: run.first), count: run.count) != 0)
        }
        let placesAgree = KernelSupport.allocatesFromRangeTree
        var script = Script(state: 2026)
        // Allocations held on both sides: (kernel address, emulator address, pages).
        var held: [(live: UInt64, emulated: UInt64, pages: UInt32)] = []
        var disagreements: [String] = []
        for step in 0..<400 {
            let choice = script.next(10)
            if choice < 6 || held.isEmpty {
                let pages = UInt32(1 + script.next(choice == 0 ? 64 : 8))
                // One in five at a chosen place, which may or may not be free: only where the
                // places agree (elsewhere a place free on one side may be taken on the other).
                let hint = placesAgree && script.next(5) == 0 ? geometry.address(ofPage: UInt32(script.next(UInt64(geometry.maxPages - pages)))) : 0
                let kernel = try workload.allocPages(pages, hint: hint)
                let emulator = emulated.allocPages(hint: hint, count: pages)
                if (kernel == 0) != (emulator == 0) || (placesAgree && kernel != emulator) {
                    disagreements.append("step \(step): \(pages) pages at \(hex(hint)): kernel \(hex(kernel)), emulator \(hex(emulator))")
                }
                if kernel != 0 && emulator != 0 { held.append((kernel, emulator, pages)) }
            } else if choice < 9 {
                // A whole allocation freed, or its tail: frees need not match allocations.
                let index = Int(script.next(UInt64(held.count)))
                let (kernel, emulator, pages) = held[index]
                let from = choice == 8 && pages > 1 ? UInt32(script.next(UInt64(pages))) : 0
                try workload.freePages(kernel + UInt64(from) * 4096, count: pages - from)
                emulated.freePages(emulator + UInt64(from) * 4096, count: pages - from)
                if from == 0 { held.remove(at: index) } else { held[index].pages = from }
            } else if placesAgree {
                // Guard pages (6.17+; nil where the kernel has no bpf_arena_reserve_pages) at one place on both sides.
                let place = geometry.address(ofPage: UInt32(script.next(UInt64(geometry.maxPages - 4))))
                if let kernel = try workload.reservePages(place, count: 4) {
                    let emulator = emulated.reservePages(place, count: 4)
                    if kernel != emulator { disagreements.append("step \(step): reserving 4 pages at \(hex(place)): kernel \(kernel), emulator \(emulator)") }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5).joined(separator: "; "))")
        let kernelPages = try live.sample().pages
        let emulatorPages = emulated.pageMap()
        let (kernelStats, emulatorStats) = (ArenaStats(kernelPages), ArenaStats(emulatorPages))
        #expect(
            kernelStats.freePages == emulatorStats.freePages && kernelStats.backedPages == emulatorStats.backedPages,
            "free \(kernelStats.freePages) vs \(emulatorStats.freePages), backed \(kernelStats.backedPages) vs \(emulatorStats.backedPages)")
        if placesAgree {
            let differing = (0..<geometry.maxPages).filter { kernelPages.state(ofPage: $0) != emulatorPages.state(ofPage: $0) }
            #expect(differing.isEmpty, "pages in another state: \(differing.prefix(10))")
            // The exporter's figures of both, through the same collector.
            let host = EmulatedHost()
            host.listed[id] = HostedSource(ScriptedArenaSource(emulated), name: "arena")
            let fromEmulator = try #require(HealthCollector(host: host, objects: nil).collect().first)
            let fromKernel = try #require(try HealthCollector(objects: nil).collect().first { $0.id == id })
            #expect(fromKernel.stats.freeRanges == fromEmulator.stats.freeRanges && fromKernel.stats.largestFree == fromEmulator.stats.largestFree)
            #expect(fromKernel.stats.backedPages == fromEmulator.stats.backedPages && fromKernel.stats.fragmentation == fromEmulator.stats.fragmentation)
        } else {
            print(
                "EmulatorAgreementTests: Linux \(KernelSupport.release) allocates first fit from a maple tree; the emulator follows 6.13+'s range tree: counts compared, not places"
            )
        }
    }
}
