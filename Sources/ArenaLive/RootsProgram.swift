import ArenaModel
import CLibBPF
import Glibc

/// A program shaped like what users load with libbpf 1.4+ (bpf/roots.bpf.c): `__arena`
/// globals, `.bss` pointers into the arena, node types its BTF only declares and element
/// types it uses only through locals. libbpf creates its arena and maps it into this
/// process. For the roots tests and benchmarks; each instance is one more such arena.
/// With `manyGlobals`, bpf/roots_bench.bpf.c instead: 50 arena globals used by 3 programs.
public final class RootsProgram {
    private let object: BPFObject

    public init(manyGlobals: Bool = false) throws(LiveError) {
        try KernelSupport.requireArenas()
        object = try BPFObject(manyGlobals ? .roots_bench : .roots)
    }

    /// The arena's map id.
    public var arenaID: UInt32 {
        get throws(LiveError) {
            var info = bpf_map_info()
            var length = UInt32(MemoryLayout<bpf_map_info>.size)
            guard bpf_obj_get_info_by_fd(try object.mapFD("arena"), &info, &length) == 0 else {
                throw .system(call: "reading map info", errno: errno)
            }
            return info.id
        }
    }

    /// Adds `count` (at most 32) elements with values `first`…; returns the elements in the list.
    @discardableResult
    public func add(_ count: UInt64, first: UInt64 = 0) throws(LiveError) -> UInt64 {
        var args = wl_args(a: count, b: first, c: 0, result: 0, result2: 0)
        guard try runProgram(try object.programFD("add_elems"), &args) == 0 else {
            throw .system(call: "program add_elems", errno: EINVAL)
        }
        return args.result
    }

    /// An ELF object whose BTF holds the program's types complete (bpf/roots_complete.bpf.c),
    /// as a user would hand it to `--btf`.
    public static var completeTypesObject: [UInt8] { EmbeddedBPF.roots_complete.bytes }
}
