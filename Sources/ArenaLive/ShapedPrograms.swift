/// Programs shaped like the arena data structures users write, for the object map's live
/// tests: each loaded by libbpf 1.4+ into an arena of its own, mapped into this process.
/// `ListProgram` (bpf/shapes_list.bpf.c): a list whose elements embed their node at +0, and
/// a radix tree whose chunks are a union of interior and leaf pointer arrays.
/// `HashTableProgram` (bpf/shapes_htab.bpf.c): a `void *` handle, a pointer-plus-count bucket
/// array, elements that embed their node at +16. Both allocate from a page fragment
/// allocator whose state is arena globals, and use their structures' types only through
/// locals: their `objectFile`'s DWARF has those types, their loaded BTF does not.
public final class ListProgram {
    private let object: BPFObject

    public init() throws(LiveError) {
        try KernelSupport.requireArenas()
        object = try BPFObject(.shapes_list)
    }

    public var arenaID: UInt32 { get throws(LiveError) { try object.mapID("arena") } }

    /// Adds `count` elements (at most 64 a call), valued from `first`; the elements in the list.
    @discardableResult
    public func add(_ count: UInt64, first: UInt64 = 0) throws(LiveError) -> UInt64 {
        try object.runWorkload("list_add", count, first).result
    }

    /// Builds the radix tree: `leaves` leaf descriptors (at most 4) under the root's chunk,
    /// `perLeaf` data (at most 64) under each leaf's chunk; the data allocated.
    @discardableResult
    public func buildTree(leaves: UInt64, perLeaf: UInt64) throws(LiveError) -> UInt64 {
        try object.runWorkload("sdt_build", leaves, perLeaf).result
    }

    /// The ELF object as built (clang -g), as a user hands it to `--btf`.
    public static var objectFile: [UInt8] { EmbeddedBPF.shapes_list.bytes }
}

public final class HashTableProgram {
    private let object: BPFObject

    public init() throws(LiveError) {
        try KernelSupport.requireArenas()
        object = try BPFObject(.shapes_htab)
    }

    public var arenaID: UInt32 { get throws(LiveError) { try object.mapID("arena") } }

    /// Inserts `count` elements (at most 64 a call); the first call makes `buckets` buckets
    /// (a power of two, at most 64). The elements in the table.
    @discardableResult
    public func insert(_ count: UInt64, buckets: UInt64 = 16) throws(LiveError) -> UInt64 {
        try object.runWorkload("htab_insert", count, buckets).result
    }

    /// The ELF object as built (clang -g), as a user hands it to `--btf`.
    public static var objectFile: [UInt8] { EmbeddedBPF.shapes_htab.bytes }

    /// What its types do not say: the handle's type and the buckets' count.
    public static let shape = "htab_for_user = struct htab *\nstruct htab.buckets[n_buckets]\n"
}
