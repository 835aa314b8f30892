import ArenaModel

/// Everything reachable from an arena's roots by following typed pointers: the objects by
/// type, the backed pages they reach and those they do not (leak candidates), and the pointer
/// fields whose values lead nowhere (dangling, poisoned, wild).
public struct ObjectMap: Sendable {
    /// Reached objects of one type.
    public typealias TypeCount = TypeTally

    /// A pointer field whose non-null value does not lead to a backed page of the arena.
    public struct BadPointer: Sendable, Equatable {
        /// Where the field lies, and its path from a root (`table.buckets[5].first->next`).
        public let address: UInt64
        public let path: String
        /// What it holds, and where that is: a page state (`free`, `reserved`) or `not_arena`.
        public let value: UInt64
        public let target: String
    }

    /// A reached pointer field that points into a given object or page ("who points here"),
    /// or a root that does.
    public struct Reference: Sendable, Equatable {
        /// Where the pointer lies; nil for a root held outside the arena (a map's value).
        public let address: UInt64?
        public let path: String
        public let value: UInt64
    }

    /// Per type, most bytes first.
    public let types: [TypeCount]
    public let reachedPages: [UInt32]
    /// Backed pages that hold no reached object and no root: leak candidates.
    public let unreachedPages: [UInt32]
    public internal(set) var badPointers: [BadPointer]
    public let objects: Int
    /// Bytes of the reached objects.
    public let bytes: UInt64
    /// Bytes of the reached pages, and of every backed page: how much of the arena the
    /// programs can still find.
    public let reachedBytes: UInt64
    public let backedBytes: UInt64
    /// The traversal stopped at one of its bounds before it was done.
    public var truncated: Bool { limit != nil }
    /// Which bound stopped it, said as a user reads it ("more than 10 s").
    public let limit: String?
    /// Pointers into the object or page asked about (`ObjectTraversal.Options.referencesTo`).
    public let references: [Reference]
    /// The pointers to each free allocator slot watched (`ObjectTraversal.Options.watch`), with
    /// their paths, and the live slots watched that something points to.
    public let referrersOfFree: [UInt64: [Reference]]
    public let referredLive: Set<UInt64>
    /// Objects starting on each page, and whether one covers its last 8 bytes
    /// (`ObjectTraversal.Options.countsObjectsOnPages`).
    public struct PageObjects: Sendable, Equatable {
        public var starts = 0
        public var coversTail = false
    }
    public let pageObjects: [UInt32: PageObjects]
    /// The first objects of each type met, by address (`Options.instancesPerType` of them).
    public let instances: [String: [UInt64]]
    /// The arena kept changing under every walk: only the bad pointers a second look confirmed
    /// are listed (`ObjectWalk`).
    public internal(set) var torn = false
    /// Objects typed as the struct that embeds the type a pointer names (`container_of`).
    public let containers: [Container]
    /// Pointers and unions the bytes could not settle: counted as the type named, or untyped.
    public let ambiguities: [Ambiguity]
    /// Reached pages that no typed object lies on: only untyped pointers lead there.
    public let untypedPages: Int
    /// Where the walk could go no further for want of a type, by type, most pointers first.
    public let stops: [Stop]

    /// Pointers (and roots) the walk could not follow: what they lead to is only declared in
    /// every BTF known, or the root is untyped (`void *`).
    public struct Stop: Sendable, Equatable {
        public enum Reason: String, Sendable {
            case declaredOnly = "declared_only", untypedRoot = "untyped_root"
        }
        public let type: String
        public let reason: Reason
        public let pointers: Int

        /// How a user completes it, said as one clause.
        public var remedy: String {
            switch reason {
            case .declaredOnly: "only declared: --btf an object that defines it (built with -g, its DWARF completes it through pahole)"
            case .untypedRoot: "an untyped root: a shape can name its type ('\(type) = struct T *', docs/shapes.md)"
            }
        }

        public init(type: String, reason: Reason, pointers: Int) {
            (self.type, self.reason, self.pointers) = (type, reason, pointers)
        }
    }

    /// Objects found through pointers to `embedded` and typed as `container`, whose member
    /// `member` it is; `rejected` more looked like one but held pointers leading nowhere.
    public struct Container: Sendable, Equatable {
        public let container: String
        public let member: String
        public let embedded: String
        public let objects: Int
        public let rejected: Int

        public init(container: String, member: String, embedded: String, objects: Int, rejected: Int) {
            (self.container, self.member, self.embedded, self.objects, self.rejected) = (container, member, embedded, objects, rejected)
        }
    }

    /// Where the walk could not tell what the memory is: a pointer to `type` that several
    /// containers fit equally (`candidates`), or a union of `type` whose members (`candidates`)
    /// fit its bytes alike, read as untyped pointers.
    public struct Ambiguity: Sendable, Equatable {
        public enum Kind: String, Sendable { case container, union }
        public let kind: Kind
        public let type: String
        public let candidates: [String]
        public let objects: Int

        public init(kind: Kind, type: String, candidates: [String], objects: Int) {
            (self.kind, self.type, self.candidates, self.objects) = (kind, type, candidates, objects)
        }
    }
}

/// Where a non-null pointer value leads: a backed page of the arena, or why it is bad.
enum PointerTarget {
    case backed(address: UInt64, page: UInt32)
    /// A bad pointer's `target`: the state of the unbacked page it leads to, or `not_arena`.
    case bad(String)

    @inline(__always)
    init(_ value: UInt64, decoder: PointerDecoder, pages: PageMap) {
        guard let target = decoder.target(of: value), let page = decoder.geometry.page(containing: target) else {
            self = .bad("not_arena")
            return
        }
        let state = pages.state(ofPage: page)
        self = state.isBacked ? .backed(address: target, page: page) : .bad(state.name)
    }
}

extension ObjectMap {
    /// The bounds a walk stops at, said as `ObjectMap.limit`.
    enum Limit {
        static func objects(_ count: Int) -> String { "more than \(count) objects" }
        static func time(_ seconds: Double) -> String { "more than \(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)) s" }
        static func layout(_ steps: Int) -> String { "types with more than \(steps) members and elements to lay out" }
    }
}
