import ArenaModel
import CLibBPF
import Glibc
import ArenaText

/// Real arenas built by real BPF programs, for `demo --live` and the live tests: a
/// 4096-page arena at 0x40000000 (bpf/workload.bpf.c; libbpf creates it from `map_extra`)
/// and a 256-page BPF_F_NO_USER_CONV arena (bpf/narrow.bpf.c) that this class creates and
/// mmaps first, so its user address is above 4 GiB and its 32-bit pointers differ from full
/// addresses. libbpf takes one arena an object, so they are two objects in one process.
/// The arenas live as long as this object (or any other holder).
public final class LiveWorkload {
    private let object: BPFObject
    private let narrowObject: BPFObject
    /// Our fds of the arenas we created (libbpf got duplicates). libbpf 1.4 mmaps into this
    /// process every arena it creates itself; the ones handed to it stay unmapped here, as
    /// tests need ("mapped by nobody", two arenas at one address).
    private let ownedFDs: [Int32]

    public static let arenaAddress = UInt64(WL_ARENA_ADDRESS)
    public static let arenaPages = UInt32(WL_ARENA_PAGES)
    public static let nodeMagic = UInt64(WL_NODE_MAGIC)
    public static let pageMagic = UInt64(WL_PAGE_MAGIC)

    /// - Parameter mainArenaFD: an arena to drive instead of creating the 4096-page one
    ///   (it must already have a user address); the caller keeps its fd.
    public init(mainArenaFD: Int32? = nil) throws(LiveError) {
        try KernelSupport.requireArenas()
        var owned: [Int32] = []
        do throws(LiveError) {
            let narrowFD = try Self.createArena(pages: UInt32(WL_ARENA32_PAGES), flags: [.mmapable, .noUserConv])
            owned.append(narrowFD)
            let mainFD: Int32
            if let mainArenaFD {
                mainFD = mainArenaFD
            } else {
                mainFD = try Self.createArena(pages: Self.arenaPages, at: Self.arenaAddress)
                owned.append(mainFD)
            }
            object = try BPFObject(.workload) { object throws(LiveError) in try object.reuseMap("arena", fd: mainFD) }
            narrowObject = try BPFObject(.narrow) { object throws(LiveError) in try object.reuseMap("arena32", fd: narrowFD) }
        } catch {
            for fd in owned { close(fd) }
            throw error
        }
        ownedFDs = owned
    }

    deinit { for fd in ownedFDs { close(fd) } }

    /// Creates an arena of `pages` pages with a user address: `address` (`map_extra`), or
    /// wherever the kernel likes when nil (mapped once to fix it, then unmapped; the address
    /// stays). The caller owns the returned fd.
    public static func createArena(pages: UInt32, flags: ArenaFlags = .mmapable, at address: UInt64? = nil) throws(LiveError) -> Int32 {
        let flags = flags.union(.mmapable)
        var options = bpf_map_create_opts()
        options.sz = MemoryLayout<bpf_map_create_opts>.size
        options.map_flags = flags.rawValue
        options.map_extra = address ?? 0
        let fd = bpf_map_create(bpf_map_type(rawValue: LiveMap.arenaType), flags.contains(.noUserConv) ? "arena32" : "arena", 0, 0, pages, &options)
        guard fd >= 0 else {
            if -fd == EPERM { throw .refusal("create an arena", needs: [.bpf]) }
            throw .system(call: "creating an arena", errno: -fd)
        }
        if address != nil { return fd }
        let length = Int(pages) * 4096
        guard let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            let code = errno
            close(fd)
            throw .system(call: "mmap of a new arena", errno: code)
        }
        munmap(mapped, length)
        return fd
    }

    /// Map ids of the main arena and the NO_USER_CONV one.
    public var arenaID: UInt32 { get throws(LiveError) { try object.mapID("arena") } }
    public var narrowArenaID: UInt32 { get throws(LiveError) { try narrowObject.mapID("arena32") } }

    /// The main arena's map fd (owned by this object).
    public var arenaFD: Int32 { get throws(LiveError) { try object.mapFD("arena") } }

    @discardableResult
    private func run(_ program: String, in object: BPFObject? = nil, _ a: UInt64 = 0, _ b: UInt64 = 0, _ c: UInt64 = 0) throws(LiveError) -> (UInt64, UInt64) {
        let args = try (object ?? self.object).runWorkload(program, a, b, c)
        return (args.result, args.result2)
    }

    /// Builds a list of `count` `{next, value, magic}` nodes with values first...first+count-1
    /// (pushed at the head, so the head holds the last value). Returns the head's address.
    public func buildList(count: UInt64, firstValue: UInt64 = 0, narrow: Bool = false) throws(LiveError) -> UInt64 {
        try run(narrow ? "build_list_narrow" : "build_list", in: narrow ? narrowObject : object, count, firstValue).0
    }

    /// Builds a hash table of `buckets` list heads (one page) holding keys 0..<count.
    public func buildHash(count: UInt64, buckets: UInt64) throws(LiveError) -> UInt64 {
        try run("build_hash", count, buckets).0
    }

    /// `bpf_arena_alloc_pages` in the main arena; 0 when it failed.
    public func allocPages(_ count: UInt32, hint: UInt64 = 0) throws(LiveError) -> UInt64 {
        try run("alloc_pages", UInt64(count), hint).0
    }

    public func freePages(_ address: UInt64, count: UInt32) throws(LiveError) {
        try run("free_pages", address, UInt64(count))
    }

    /// `bpf_arena_reserve_pages`: 0, a negative errno, or nil where the kernel lacks it.
    public func reservePages(_ address: UInt64, count: UInt32) throws(LiveError) -> Int32? {
        let result = try run("reserve_pages", address, UInt64(count)).0
        return result == 1 ? nil : Int32(truncatingIfNeeded: Int64(bitPattern: result))
    }

    /// One page every `stride` bytes from `address`, `count` times; returns pages allocated.
    public func allocStrided(from address: UInt64, stride: UInt64, count: UInt64) throws(LiveError) -> UInt64 {
        try run("alloc_strided", address, stride, count).0
    }

    /// Random allocations and frees of 1-8 pages, `steps` of them.
    public func churn(steps: UInt64, seed: UInt64) throws(LiveError) {
        try run("churn", steps, seed)
    }
}

extension LiveWorkload {
    /// Maps the main arena into this process at its user address (by default the fixed one
    /// of the 4096-page arena), as a user program would. Stores through the mapping fault
    /// pages in: that is what the live tests and the demo want.
    public func mapArena(at address: UInt64 = arenaAddress, pages: UInt32 = arenaPages) throws(LiveError) -> UserMapping {
        try UserMapping(fd: try arenaFD, address: address, length: Int(pages) * 4096)
    }
}

/// A user-space mapping of an arena, unmapped when released.
public final class UserMapping {
    private let base: UnsafeMutableRawPointer
    private let address: UInt64
    private let length: Int

    init(fd: Int32, address: UInt64, length: Int) throws(LiveError) {
        let wanted = UnsafeMutableRawPointer(bitPattern: UInt(address))
        let mapped = mmap(wanted, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0)
        guard let mapped, mapped != MAP_FAILED, UInt64(UInt(bitPattern: mapped)) == address else {
            throw .system(call: "mmap of the arena at \(hex(address))", errno: errno)
        }
        base = mapped
        self.address = address
        self.length = length
    }

    deinit { munmap(base, length) }

    /// The mapping's first byte, for benchmarks that copy pages they know are backed.
    public var baseAddress: UnsafeRawPointer { UnsafeRawPointer(base) }

    /// Stores `value` at user address `at` (faulting the page in, as any user store does).
    public func store(_ value: UInt64, at: UInt64) {
        precondition(at >= address && at + 8 <= address + UInt64(length))
        base.storeBytes(of: value, toByteOffset: Int(at - address), as: UInt64.self)
    }
}
