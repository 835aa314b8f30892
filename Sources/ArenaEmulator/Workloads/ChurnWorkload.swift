import ArenaModel

/// Random multi-page allocations (some at a hinted address), whole and partial frees,
/// reservations of guard pages and user faults: it fragments the arena. Each extent's
/// first word points at the extent allocated before it that is still live, so the
/// extents form a chain from the newest; the second word holds a tag.
public final class ChurnWorkload: Workload {
    public static let name = "churn"
    public static let summary = "random multi-page alloc/free/reserve and user faults that fragment the arena"
    public static let defaultPages: UInt32 = 65536

    private let arena: EmulatedArena
    private var random: SeededGenerator
    private var extents: [(address: UInt64, count: UInt32)] = []
    private var reservations: [(address: UInt64, count: UInt32)] = []
    private var claimed: UInt64 = 0

    public required init(arena: EmulatedArena, seed: UInt64) {
        self.arena = arena
        random = SeededGenerator(seed: seed)
        for _ in 0..<64 { allocate() }
    }

    private var pageSize: UInt64 { arena.geometry.pageSize }
    private var maxPages: UInt32 { arena.geometry.maxPages }

    public func step() {
        let full = claimed * 10 > UInt64(maxPages) * 6
        let roll = random.below(100)
        if roll < 50 && !full {
            allocate()
        } else if roll < 88 || full {
            release()
        } else if roll < 94 {
            reserveOrRelease()
        } else {
            fault()
        }
    }

    private func randomPageAddress() -> UInt64 {
        arena.geometry.address(ofPage: UInt32(random.below(Int(maxPages))))
    }

    private func allocate() {
        let count = UInt32(random.chance(5) ? 32 + random.below(96) : 1 + random.below(16))
        let hint = random.chance(10) ? randomPageAddress() : 0
        let address = arena.allocPages(hint: hint, count: count)
        guard address != 0 else { return }
        arena.bpfStorePointer(address, extents.last?.address ?? 0)
        arena.bpfStore(address + 8, 0xA11C_0000_0000 | UInt64(count))
        extents.append((address, count))
        claimed += UInt64(count)
    }

    private func release() {
        guard !extents.isEmpty else { return }
        let index = random.below(extents.count)
        let extent = extents[index]
        if extent.count > 1 && random.chance(30) {
            let kept = extent.count / 2
            arena.freePages(extent.address + UInt64(kept) * pageSize, count: extent.count - kept)
            extents[index].count = kept
            claimed -= UInt64(extent.count - kept)
        } else {
            arena.freePages(extent.address, count: extent.count)
            extents.remove(at: index)
            claimed -= UInt64(extent.count)
            if index < extents.count {
                arena.bpfStorePointer(extents[index].address, index > 0 ? extents[index - 1].address : 0)
            }
        }
    }

    private func reserveOrRelease() {
        if !reservations.isEmpty && random.chance(40) {
            let reservation = reservations.remove(at: random.below(reservations.count))
            arena.freePages(reservation.address, count: reservation.count)
            claimed -= UInt64(reservation.count)
            return
        }
        let count = UInt32(1 + random.below(4))
        let address = randomPageAddress()
        guard count <= maxPages, arena.geometry.page(containing: address)! <= maxPages - count,
            arena.reservePages(address, count: count) == 0
        else { return }
        reservations.append((address, count))
        claimed += UInt64(count)
    }

    private func fault() {
        if let extent = extents.isEmpty ? nil : extents[random.below(extents.count)] {
            try? arena.userTouch(extent.address + UInt64(random.below(Int(extent.count))) * pageSize)
        }
    }

    public var roots: [StructureRoot] {
        guard let newest = extents.last else { return [] }
        return [StructureRoot(name: "newest_extent", address: newest.address, type: "struct churn_extent", origin: Self.rootOrigin)]
    }
}
