import ArenaModel
import ArenaText

/// A user-space arena that follows the rules of Linux 6.13+ (kernel/bpf/arena.c):
/// creation checks, best-fit page allocation over a range tree of free pages, frees,
/// reservations (guard pages), user faults, and BPF-side loads and stores.
/// Only pages that were written hold memory.
public final class EmulatedArena {
    /// Where the emulator "mmaps" an arena created without `map_extra`: 4 GiB aligned.
    public static let defaultUserVMStart: UInt64 = 0x7F00_0000_0000

    public let geometry: ArenaGeometry
    private var freeIndex: FreeRangeIndex
    private var states: [UInt8]
    private var bytes: [UInt32: [UInt8]] = [:]

    /// Creates an arena as `BPF_MAP_CREATE` would, with the kernel's checks in its order.
    /// - Parameters:
    ///   - maxPages: `max_entries`.
    ///   - mapFlags: raw `map_flags`; `BPF_F_MMAPABLE` is required.
    ///   - mapExtra: fixed user address, or 0 to let the first mmap choose.
    public init(
        maxPages: UInt32, mapFlags: UInt32, mapExtra: UInt64 = 0, keySize: UInt32 = 0, valueSize: UInt32 = 0
    )
        throws(ArenaCreationError)
    {
        let flags = ArenaFlags(rawValue: mapFlags)
        if keySize != 0 || valueSize != 0 { throw .invalidArgument("key_size and value_size must be 0") }
        if maxPages == 0 { throw .invalidArgument("max_entries must not be 0") }
        if !flags.contains(.mmapable) { throw .invalidArgument("BPF_F_MMAPABLE is required") }
        if !ArenaFlags.known.isSuperset(of: flags) {
            throw .invalidArgument("unsupported flags " + String(flags.subtracting(.known).rawValue, radix: 16, uppercase: false))
        }
        if mapExtra & 0xFFF != 0 { throw .invalidArgument("map_extra \(hex(mapExtra)) is not page aligned") }
        let size = UInt64(maxPages) * 4096
        if size > 1 << 32 { throw .tooBig(pages: maxPages) }
        if mapExtra >> 32 != (mapExtra + size - 1) >> 32 { throw .crossesFourGiB(start: mapExtra) }
        geometry = ArenaGeometry(
            maxPages: maxPages, userVMStart: mapExtra == 0 ? Self.defaultUserVMStart : mapExtra, flags: flags)
        freeIndex = FreeRangeIndex(pageCount: maxPages)
        states = Array(repeating: PageState.free.rawValue, count: Int(maxPages))
    }

    /// Convenience for a valid arena described by flags.
    public convenience init(maxPages: UInt32, flags: ArenaFlags = .mmapable, mapExtra: UInt64 = 0) throws(ArenaCreationError) {
        try self.init(maxPages: maxPages, mapFlags: flags.union(.mmapable).rawValue, mapExtra: mapExtra)
    }

    private var pageSize: UInt64 { geometry.pageSize }

    /// The offset of `address` in the arena's window as the kernel computes it (`compute_pgoff`):
    /// from the low 32 bits only, wrapping.
    private func windowOffset(_ address: UInt64) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: address) &- UInt32(truncatingIfNeeded: geometry.userVMStart))
    }

    /// The page a kernel-side address refers to, or nil outside the arena.
    private func kernelPage(_ address: UInt64) -> UInt32? {
        let page = windowOffset(address) / pageSize
        return page < UInt64(geometry.maxPages) ? UInt32(page) : nil
    }

    /// Full user address of `page` as the kernel returns it: upper 32 bits of the start, lower of the page.
    private func userAddress(_ page: UInt32) -> UInt64 { geometry.address(ofPage: page) }

    // MARK: kfuncs

    /// `bpf_arena_alloc_pages`: `count` zeroed pages at `hint` (0 for best fit), all or nothing.
    /// Returns the user address of the first page, or 0.
    @discardableResult
    public func allocPages(hint: UInt64 = 0, count: UInt32) -> UInt64 {
        guard count > 0, count <= geometry.maxPages else { return 0 }
        let first: UInt32
        if hint != 0 {
            guard hint & (pageSize - 1) == 0 else { return 0 }
            let pgoff = windowOffset(hint) / pageSize
            guard pgoff <= UInt64(geometry.maxPages - count) else { return 0 }
            first = UInt32(pgoff)
            guard freeIndex.isSet(first, count: count) else { return 0 }
        } else {
            guard let found = freeIndex.find(count) else { return 0 }
            first = found
        }
        freeIndex.clear(first, count: count)
        for page in first..<first + count {
            states[Int(page)] = PageState.allocated.rawValue
            bytes[page] = nil
        }
        return userAddress(first)
    }

    /// `bpf_arena_free_pages`: returns pages to the free set and unmaps them everywhere.
    /// Reserved pages in the range become free as well.
    public func freePages(_ address: UInt64, count: UInt32) {
        guard count > 0, address != 0 else { return }
        let low = UInt64(UInt32(truncatingIfNeeded: address)) & ~(pageSize - 1)
        let full = (geometry.userVMStart & ~0xFFFF_FFFF) + low
        // The kernel would compute a wrapped page offset below the arena; nothing is there to free.
        guard full >= geometry.userVMStart else { return }
        let end = min(geometry.userVMEnd, full + UInt64(count) * pageSize)
        guard full < end else { return }
        let first = UInt32((full - geometry.userVMStart) / pageSize)
        let pages = UInt32((end - full) / pageSize)
        freeIndex.set(first, count: pages)
        for page in first..<first + pages {
            states[Int(page)] = PageState.free.rawValue
            bytes[page] = nil
        }
    }

    /// `bpf_arena_reserve_pages` (6.17+): claims free pages without backing them.
    /// Returns 0, -EINVAL (outside the arena) or -EBUSY (a page is not free).
    public func reservePages(_ address: UInt64, count: UInt32) -> Int32 {
        guard count > 0 else { return 0 }
        guard address & (pageSize - 1) == 0 else { return 0 }
        let pgoff = windowOffset(address) / pageSize
        guard pgoff + UInt64(count) <= UInt64(geometry.maxPages) else { return -22 }
        let first = UInt32(pgoff)
        guard freeIndex.isSet(first, count: count) else { return -16 }
        freeIndex.clear(first, count: count)
        for page in first..<first + count { states[Int(page)] = PageState.reserved.rawValue }
        return 0
    }

    // MARK: user space

    /// A user-space access to `address` through the arena's mmap: backs the page on first
    /// touch (a reserved page too), or raises SIGSEGV under `BPF_F_SEGV_ON_FAULT`.
    public func userTouch(_ address: UInt64) throws(ArenaFault) {
        guard let page = geometry.page(containing: address) else {
            throw ArenaFault(address: address, reason: "outside the arena's mapping")
        }
        let state = PageState(rawValue: states[Int(page)])
        if state == .mapped { return }
        if state == .allocated {
            states[Int(page)] = PageState.mapped.rawValue
        } else {
            if geometry.flags.contains(.segvOnFault) {
                throw ArenaFault(address: address, reason: "page \(page) is not allocated and the arena has BPF_F_SEGV_ON_FAULT")
            }
            freeIndex.clear(page, count: 1)
            states[Int(page)] = PageState.mapped.rawValue
            bytes[page] = nil
        }
    }

    /// Writes `data` from user space, faulting pages in as the kernel would.
    public func userWrite(_ address: UInt64, _ data: [UInt8]) throws(ArenaFault) {
        var offset = 0
        while offset < data.count {
            let at = address + UInt64(offset)
            try userTouch(at)
            let page = geometry.page(containing: at)!
            let inPage = Int((at - geometry.userVMStart) % pageSize)
            let chunk = min(data.count - offset, Int(pageSize) - inPage)
            writePage(page, at: inPage, data[offset..<offset + chunk])
            offset += chunk
        }
    }

    // MARK: BPF side

    /// A BPF program's load of `width` bytes: 0 from an unbacked page, allocating nothing.
    public func bpfLoad(_ address: UInt64, width: Int = 8) -> UInt64 {
        guard let page = kernelPage(address), PageState(rawValue: states[Int(page)])!.isBacked else { return 0 }
        let inPage = Int(windowOffset(address) % pageSize)
        guard inPage + width <= Int(pageSize), let pageData = bytes[page] else { return 0 }
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(pageData[inPage + index]) << (8 * UInt64(index)) }
        return value
    }

    /// A BPF program's store of `width` bytes: dropped on an unbacked page.
    public func bpfStore(_ address: UInt64, _ value: UInt64, width: Int = 8) {
        guard let page = kernelPage(address), PageState(rawValue: states[Int(page)])!.isBacked else { return }
        let inPage = Int(windowOffset(address) % pageSize)
        guard inPage + width <= Int(pageSize) else { return }
        var data: [UInt8] = []
        for index in 0..<width { data.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
        writePage(page, at: inPage, data[...])
    }

    /// Stores a pointer to `target` the way a BPF program's store does (full or low 32 bits).
    public func bpfStorePointer(_ address: UInt64, _ target: UInt64) {
        bpfStore(address, target == 0 ? 0 : PointerDecoder(geometry: geometry).encode(target))
    }

    /// Loads a pointer stored by `bpfStorePointer` and returns the full user address (0 for NULL).
    public func bpfLoadPointer(_ address: UInt64) -> UInt64 {
        let raw = bpfLoad(address)
        return PointerDecoder(geometry: geometry).target(of: raw) ?? 0
    }

    private func writePage(_ page: UInt32, at offset: Int, _ data: ArraySlice<UInt8>) {
        var pageData = bytes.removeValue(forKey: page) ?? Array(repeating: 0, count: Int(pageSize))
        pageData.replaceSubrange(offset..<offset + data.count, with: data)
        bytes[page] = pageData
    }

    // MARK: inspection

    /// The state of one page.
    public func state(ofPage page: UInt32) -> PageState { PageState(rawValue: states[Int(page)])! }

    /// The free ranges as the kernel's range tree holds them, in page order.
    public var freeRanges: [PageRange] { freeIndex.ranges() }

    /// The page map built from every page's state.
    public func pageMap() -> PageMap {
        states.withUnsafeBufferPointer { PageMap(states: $0) }
    }

    /// Bytes of a backed page (zeroes where nothing was written), or nil when it is not backed.
    public func bytes(ofPage page: UInt32) -> [UInt8]? {
        guard page < geometry.maxPages, state(ofPage: page).isBacked else { return nil }
        return bytes[page] ?? Array(repeating: 0, count: Int(pageSize))
    }

    /// Bytes of every backed page that was written (the rest read as zeroes).
    public var writtenPages: [UInt32: [UInt8]] { bytes }
}
