/// The object allocator of the kernel selftests' `bpf_arena_alloc.h`, as BPF programs use it:
/// objects are carved downward from the end of the current page, whose last 8 bytes count
/// the live objects in it; the page is freed when that count drops to 0.
final class PageFragAllocator {
    private let arena: EmulatedArena
    private var currentPage: UInt64 = 0
    private var currentOffset: Int = 0
    private var pageSize: Int { Int(arena.geometry.pageSize) }

    init(arena: EmulatedArena) { self.arena = arena }

    /// The page objects are carved from now (0 before the first allocation), and the offset
    /// the next one ends at.
    var page: UInt64 { currentPage }
    var offset: Int { currentOffset }

    /// A zeroed object of `size` bytes (rounded up to 8), or 0 when the arena is full.
    func allocate(_ size: Int) -> UInt64 {
        let rounded = (size + 7) & ~7
        guard rounded < pageSize - 8 else { return 0 }
        if currentPage == 0 || currentOffset - rounded < 0 {
            let page = arena.allocPages(count: 1)
            guard page != 0 else { return 0 }
            currentPage = page
            currentOffset = pageSize - 8
        }
        currentOffset -= rounded
        let counter = currentPage + UInt64(pageSize - 8)
        arena.bpfStore(counter, arena.bpfLoad(counter) + 1)
        return currentPage + UInt64(currentOffset)
    }

    /// Releases the object at `address`; frees its page when it held the last one.
    func free(_ address: UInt64) {
        let page = address & ~UInt64(pageSize - 1)
        let counter = page + UInt64(pageSize - 8)
        let remaining = arena.bpfLoad(counter) &- 1
        arena.bpfStore(counter, remaining)
        if remaining == 0 {
            arena.freePages(page, count: 1)
            // Unlike the selftest, forget a freed current page instead of carving from it.
            if page == currentPage { currentPage = 0 }
        }
    }
}
