/// What the kernel knows about one arena page.
public enum PageState: UInt8, Sendable, CaseIterable, Hashable {
    /// In the free range tree: nothing backs it.
    case free = 0
    /// Backed by a page, but in no process's page table.
    case allocated = 1
    /// Claimed (out of the free ranges) but not backed: a guard page.
    case reserved = 2
    /// Backed and faulted into at least one user process.
    case mapped = 3

    /// The name used in JSON and on screen.
    public var name: String {
        switch self {
        case .free: "free"
        case .allocated: "allocated"
        case .reserved: "reserved"
        case .mapped: "mapped"
        }
    }

    /// True when a page of memory backs it, so its bytes can be read.
    public var isBacked: Bool { self == .allocated || self == .mapped }
}

/// An inclusive range of pages, `[first, last]`, as the kernel's range tree keeps them.
public struct PageRange: Sendable, Hashable, CustomStringConvertible {
    public var first: UInt32
    public var last: UInt32

    public init(first: UInt32, last: UInt32) {
        precondition(first <= last, "empty page range")
        self.first = first
        self.last = last
    }

    /// Number of pages in the range.
    public var count: UInt32 { last - first + 1 }

    public func contains(_ page: UInt32) -> Bool { page >= first && page <= last }

    public var description: String { "[\(first), \(last)]" }
}
