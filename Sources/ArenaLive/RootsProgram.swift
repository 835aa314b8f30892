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

    /// bpf/roots_end.bpf.c: its `__arena` globals in the arena's last page, where libbpf 1.7+
    /// puts them on 7.0+ kernels. The libbpf here (1.4+) puts them at the start, so a custom
    /// section's prepare-load callback moves every load of them there, as libbpf 1.7 does;
    /// the page is faulted in from this process, as libbpf's copy of initial values does.
    public init(globalsAtEnd: Void) throws(LiveError) {
        try KernelSupport.requireArenas()
        guard Self.endSection >= 0 else { throw .system(call: "registering the arenascope_end section", errno: -Self.endSection) }
        object = try BPFObject(.roots_end)
        // The mapping covers the whole arena (libbpf 1.4 gives the globals' size as its size).
        var size = 0
        guard let start = bpf_map__initial_value(try object.map("arena"), &size) else {
            throw .unreadable("libbpf did not map the arena of roots_end")
        }
        start.storeBytes(of: 0, toByteOffset: Int(WL_END_GLOBALS_OFFSET), as: UInt64.self)
    }

    /// The custom section of roots_end.bpf.c (a syscall program), registered once.
    private static let endSection: Int32 = {
        var options = libbpf_prog_handler_opts()
        options.sz = MemoryLayout<libbpf_prog_handler_opts>.size
        options.prog_prepare_load_fn = { program, loadOptions, _ in
            loadOptions?.pointee.prog_flags |= UInt32(BPF_F_SLEEPABLE)
            guard let program, let instructions = bpf_program__insns(program) else { return -EINVAL }
            var moved = Array(UnsafeBufferPointer(start: instructions, count: Int(bpf_program__insn_cnt(program))))
            var index = 0
            while index + 1 < moved.count {
                // ld_imm64 of a map value: with one map in the object, the arena's globals.
                if moved[index].code == UInt8(BPF_LD | BPF_IMM | BPF_DW) {
                    if moved[index].src_reg == UInt8(BPF_PSEUDO_MAP_VALUE) { moved[index + 1].imm += Int32(WL_END_GLOBALS_OFFSET) }
                    index += 2
                } else {
                    index += 1
                }
            }
            return moved.withUnsafeBufferPointer { bpf_program__set_insns(program, UnsafeMutablePointer(mutating: $0.baseAddress), $0.count) }
        }
        // Attach type 0: a syscall program expects none.
        return libbpf_register_prog_handler("arenascope_end", BPF_PROG_TYPE_SYSCALL, bpf_attach_type(rawValue: 0), &options)
    }()

    /// Runs roots_end's program: keeps `value` in `end_counters[0]`; returns the address the
    /// program sees that global at.
    public func touchEnd(_ value: UInt64) throws(LiveError) -> UInt64 {
        try object.runWorkload("touch_end", value).result
    }

    /// The arena's map id.
    public var arenaID: UInt32 { get throws(LiveError) { try object.mapID("arena") } }

    /// Adds `count` (at most 32) elements with values `first`…; returns the elements in the list.
    @discardableResult
    public func add(_ count: UInt64, first: UInt64 = 0) throws(LiveError) -> UInt64 {
        try object.runWorkload("add_elems", count, first).result
    }

    /// An ELF object whose BTF holds the program's types complete (bpf/roots_complete.bpf.c),
    /// as a user would hand it to `--btf`.
    public static var completeTypesObject: [UInt8] { EmbeddedBPF.roots_complete.bytes }
}
