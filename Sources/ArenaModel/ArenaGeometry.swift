/// Map flags of an arena, as the kernel spells them in `map_flags`.
public struct ArenaFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `BPF_F_MMAPABLE`: required for every arena.
    public static let mmapable = ArenaFlags(rawValue: 1 << 10)
    /// `BPF_F_SEGV_ON_FAULT`: a user fault on an unallocated page raises SIGSEGV.
    public static let segvOnFault = ArenaFlags(rawValue: 1 << 17)
    /// `BPF_F_NO_USER_CONV`: pointers are stored as their low 32 bits.
    public static let noUserConv = ArenaFlags(rawValue: 1 << 18)

    /// Every flag the kernel accepts on an arena.
    public static let known: ArenaFlags = [.mmapable, .segvOnFault, .noUserConv]

    private static let names: [(ArenaFlags, String)] = [
        (.mmapable, "mmapable"), (.segvOnFault, "segv_on_fault"), (.noUserConv, "no_user_conv"),
    ]

    /// Stable lower-case names of the set flags, unknown bits as `0x…`.
    public var names: [String] {
        var result = Self.names.filter { contains($0.0) }.map(\.1)
        let unknown = rawValue & ~Self.known.rawValue
        if unknown != 0 { result.append("0x" + String(unknown, radix: 16)) }
        return result
    }

    /// The flag called `name`, or nil.
    public init?(name: String) {
        guard let match = Self.names.first(where: { $0.1 == name }) else { return nil }
        self = match.0
    }
}

/// Where an arena lives in user space and how big it is.
public struct ArenaGeometry: Sendable, Hashable {
    /// Bytes per page (4096 on the machines arenascope targets).
    public let pageSize: UInt64
    /// `max_entries`: the number of pages the arena can hold.
    public let maxPages: UInt32
    /// First user address of the arena (page 0).
    public let userVMStart: UInt64
    public let flags: ArenaFlags

    public init(pageSize: UInt64 = 4096, maxPages: UInt32, userVMStart: UInt64, flags: ArenaFlags) {
        self.pageSize = pageSize
        self.maxPages = maxPages
        self.userVMStart = userVMStart
        self.flags = flags
    }

    /// One past the last user address of the arena.
    public var userVMEnd: UInt64 { userVMStart + UInt64(maxPages) * pageSize }

    /// The arena's size in bytes.
    public var byteCount: UInt64 { UInt64(maxPages) * pageSize }

    /// The page that holds user address `address`, or nil outside the arena.
    public func page(containing address: UInt64) -> UInt32? {
        guard address >= userVMStart, address < userVMEnd else { return nil }
        return UInt32((address - userVMStart) / pageSize)
    }

    /// The user address of the first byte of `page`.
    public func address(ofPage page: UInt32) -> UInt64 {
        userVMStart + UInt64(page) * pageSize
    }

    /// Offset of `address` from the arena's start (the page offset used by the kernel).
    public func offset(of address: UInt64) -> UInt64 { address - userVMStart }
}
