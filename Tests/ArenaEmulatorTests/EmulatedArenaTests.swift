import Testing
import ArenaModel
@testable import ArenaEmulator

@Suite struct ArenaCreationTests {
    @Test(
        arguments: [
            (1, 0, 10, 1 << 10, 0, "EINVAL"),  // key size
            (0, 4, 10, 1 << 10, 0, "EINVAL"),  // value size
            (0, 0, 0, 1 << 10, 0, "EINVAL"),  // no pages
            (0, 0, 10, 0, 0, "EINVAL"),  // not mmapable
            (0, 0, 10, (1 << 10) | 1, 0, "EINVAL"),  // unknown flag
            (0, 0, 10, (1 << 10) | (1 << 19), 0, "EINVAL"),  // unknown flag above the known ones
            (0, 0, 10, 1 << 10, 0x1000_0001, "EINVAL"),  // map_extra not page aligned
            (0, 0, 1_048_577, 1 << 10, 0, "E2BIG"),  // more than 4 GiB
            (0, 0, 2, 1 << 10, 0x1_FFFF_F000, "ERANGE"),  // crosses a 4 GiB boundary
        ] as [(UInt32, UInt32, UInt32, UInt32, UInt64, String)])
    func refusesWhatTheKernelRefuses(key: UInt32, value: UInt32, pages: UInt32, flags: UInt32, extra: UInt64, errno: String) {
        #expect {
            _ = try EmulatedArena(maxPages: pages, mapFlags: flags, mapExtra: extra, keySize: key, valueSize: value)
        } throws: { error in
            (error as? ArenaCreationError)?.errnoName == errno
        }
    }

    @Test func acceptsTheLargestArenaAndEveryKnownFlag() throws {
        let arena = try EmulatedArena(maxPages: 1 << 20, mapFlags: ArenaFlags.known.rawValue, mapExtra: 0x1_0000_0000)
        #expect(arena.geometry.userVMStart == 0x1_0000_0000)
        #expect(arena.geometry.userVMEnd == 0x2_0000_0000)
        #expect(arena.freeRanges == [PageRange(first: 0, last: (1 << 20) - 1)])
        let fixed = try EmulatedArena(maxPages: 2, mapFlags: 1 << 10, mapExtra: 0x1_FFFF_E000)
        #expect(fixed.geometry.userVMEnd == 0x2_0000_0000)
    }
}

@Suite struct ArenaRulesTests {
    let base = EmulatedArena.defaultUserVMStart

    @Test func bestFitPrefersTheSmallestRangeThenTheNewest() throws {
        let arena = try EmulatedArena(maxPages: 64)
        #expect(arena.allocPages(count: 64) == base)
        // Free ranges of 4 pages at 10, 3 at 20, 3 at 30, 8 at 40 (inserted in that order).
        arena.freePages(base + 10 * 4096, count: 4)
        arena.freePages(base + 20 * 4096, count: 3)
        arena.freePages(base + 30 * 4096, count: 3)
        arena.freePages(base + 40 * 4096, count: 8)
        #expect(arena.allocPages(count: 3) == base + 30 * 4096, "smallest fit, newest of equal size")
        #expect(arena.allocPages(count: 3) == base + 20 * 4096)
        #expect(arena.allocPages(count: 2) == base + 10 * 4096, "carved from the start of the range")
        #expect(arena.freeRanges == [PageRange(first: 12, last: 13), PageRange(first: 40, last: 47)])
        #expect(arena.allocPages(count: 9) == 0, "all or nothing")
        #expect(arena.freeRanges == [PageRange(first: 12, last: 13), PageRange(first: 40, last: 47)])
    }

    @Test func hintsMustBeAlignedInsideAndFree() throws {
        let arena = try EmulatedArena(maxPages: 16)
        #expect(arena.allocPages(hint: base + 4 * 4096, count: 2) == base + 4 * 4096)
        #expect(arena.allocPages(hint: base + 5 * 4096, count: 1) == 0, "busy")
        #expect(arena.allocPages(hint: base + 4097, count: 1) == 0, "unaligned")
        #expect(arena.allocPages(hint: base + 15 * 4096, count: 2) == 0, "runs past the end")
        #expect(arena.allocPages(count: 0) == 0)
        #expect(arena.allocPages(count: 17) == 0)
        #expect(arena.state(ofPage: 4) == .allocated && arena.state(ofPage: 6) == .free)
    }

    @Test func pagesComeBackZeroedAndFreesMerge() throws {
        let arena = try EmulatedArena(maxPages: 8)
        let page = arena.allocPages(count: 2)
        arena.bpfStore(page + 8, 0xDEAD_BEEF)
        #expect(arena.bpfLoad(page + 8) == 0xDEAD_BEEF)
        arena.freePages(page, count: 2)
        #expect(arena.freeRanges == [PageRange(first: 0, last: 7)])
        #expect(arena.bpfLoad(page + 8) == 0, "a load from a freed page reads 0")
        #expect(arena.allocPages(count: 2) == page)
        #expect(arena.bpfLoad(page + 8) == 0, "pages are zeroed")
        arena.freePages(page + 4096, count: 1)
        arena.freePages(page, count: 1)
        #expect(arena.freeRanges == [PageRange(first: 0, last: 7)])
    }

    @Test func freeClipsToTheArenaAndUsesTheLow32Bits() throws {
        let arena = try EmulatedArena(maxPages: 8)
        arena.allocPages(count: 8)
        arena.freePages(0xDEAD_0000_0000 | (base & 0xFFFF_FFFF) + 6 * 4096 + 123, count: 100)
        #expect(arena.freeRanges == [PageRange(first: 6, last: 7)])
        arena.freePages(0, count: 1)
        arena.freePages(base, count: 0)
        #expect(arena.freeRanges == [PageRange(first: 6, last: 7)])
    }

    @Test func reservedPagesAreNeitherFreeNorBacked() throws {
        let arena = try EmulatedArena(maxPages: 8)
        #expect(arena.reservePages(base + 2 * 4096, count: 2) == 0)
        #expect(arena.state(ofPage: 2) == .reserved)
        #expect(arena.freeRanges == [PageRange(first: 0, last: 1), PageRange(first: 4, last: 7)])
        #expect(arena.reservePages(base + 3 * 4096, count: 2) == -16, "EBUSY")
        #expect(arena.reservePages(base + 7 * 4096, count: 2) == -22, "EINVAL")
        #expect(arena.allocPages(hint: base + 2 * 4096, count: 1) == 0)
        arena.bpfStore(base + 2 * 4096, 7)
        #expect(arena.bpfLoad(base + 2 * 4096) == 0, "stores to reserved pages are dropped")
        try arena.userTouch(base + 3 * 4096 + 5)
        #expect(arena.state(ofPage: 3) == .mapped, "a user fault backs a reserved page")
        arena.freePages(base + 2 * 4096, count: 2)
        #expect(arena.freeRanges == [PageRange(first: 0, last: 7)])
    }

    @Test func userFaultsBackPagesOrRaiseSegv() throws {
        let arena = try EmulatedArena(maxPages: 8)
        try arena.userWrite(base + 4096 - 2, [1, 2, 3, 4])
        #expect(arena.state(ofPage: 0) == .mapped && arena.state(ofPage: 1) == .mapped)
        #expect(arena.bpfLoad(base + 4096, width: 2) == 0x0403)
        #expect(arena.freeRanges == [PageRange(first: 2, last: 7)])
        #expect(throws: ArenaFault.self) { try arena.userTouch(base + 8 * 4096) }
        let allocated = arena.allocPages(count: 1)
        #expect(arena.state(ofPage: 2) == .allocated)
        try arena.userTouch(allocated)
        #expect(arena.state(ofPage: 2) == .mapped)

        let strict = try EmulatedArena(maxPages: 4, flags: .segvOnFault)
        #expect(throws: ArenaFault.self) { try strict.userTouch(base) }
        #expect(strict.state(ofPage: 0) == .free)
        let page = strict.allocPages(count: 1)
        try strict.userTouch(page)
        #expect(strict.state(ofPage: 0) == .mapped)
    }

    @Test func bpfAccessToUnbackedPagesAllocatesNothing() throws {
        let arena = try EmulatedArena(maxPages: 8)
        for page in 0..<8 { #expect(arena.bpfLoad(base + UInt64(page) * 4096) == 0) }
        arena.bpfStore(base, 1)
        #expect(arena.freeRanges == [PageRange(first: 0, last: 7)])
        #expect(arena.pageMap().runs == [PageRun(first: 0, count: 8, state: .free)])
    }

    @Test func noUserConvStoresLow32BitPointers() throws {
        let arena = try EmulatedArena(maxPages: 8, flags: .noUserConv)
        let node = arena.allocPages(count: 1)
        arena.bpfStorePointer(node, node + 64)
        #expect(arena.bpfLoad(node) == (node + 64) & 0xFFFF_FFFF)
        #expect(arena.bpfLoadPointer(node) == node + 64)
    }
}
