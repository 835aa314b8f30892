import CLibBPF
import Glibc

/// What the running kernel offers, read once from its BTF.
public enum KernelSupport {
    static let vmlinuxBTF = "/sys/kernel/btf/vmlinux"

    /// The kernel's BTF, or nil where it has none: from the kernel's BTF object in one
    /// system call where this process may (sysfs hands the file out a page a read, which
    /// costs a one-shot command tens of milliseconds), else from the file.
    private static let btf: [UInt8]? = LoadedBTF.vmlinux() ?? fileBTF()

    private static func fileBTF() -> [UInt8]? {
        guard let file = fopen(vmlinuxBTF, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// True when `name` appears as a whole string in the kernel's BTF. The BTF is megabytes
    /// and every live command asks: memchr finds the candidates, memcmp checks them.
    private static func btfHasName(_ name: String) -> Bool {
        guard let btf, !name.isEmpty else { return false }
        let needle = Array(name.utf8) + [0]
        return btf.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { wanted in
                guard let base = haystack.baseAddress, let first = wanted.first else { return false }
                var offset = 1
                while offset + wanted.count <= haystack.count,
                    let hit = memchr(base + offset, Int32(first), haystack.count - offset - wanted.count + 1)
                {
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if haystack[position - 1] == 0 && memcmp(hit, wanted.baseAddress!, wanted.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }

    /// Fails with a clear reason where the kernel has no BTF or no arenas.
    static func requireArenas() throws(LiveError) {
        guard btf != nil else { throw .unsupported("Linux \(release) has no BTF at \(vmlinuxBTF) (CONFIG_DEBUG_INFO_BTF)") }
        guard hasArenas else { throw .unsupported("Linux \(release) has no BPF arenas (struct bpf_arena is not in its BTF; Linux 6.9 or later is needed)") }
    }

    static let hasArenas = btfHasName("bpf_arena")
    /// 6.13+: free pages are a range tree allocated best fit (the emulator's rules); 6.9-6.12
    /// keep a maple tree of allocated ranges, allocated first fit.
    static let allocatesFromRangeTree = btfHasName("range_tree")

    /// The running kernel's release, as `uname -r` prints it.
    public static let release: String = {
        var names = utsname()
        uname(&names)
        return fixedCString(names.release)
    }()

    /// Why the sampler cannot read this kernel's arenas: the fields CO-RE did not find.
    static func unknownLayout(missing: UInt32) -> String {
        let names: [(UInt32, String)] = [
            (UInt32(AS_FIELD_USER_VM_START.rawValue), "user_vm_start"), (UInt32(AS_FIELD_USER_VM_END.rawValue), "user_vm_end"),
            (UInt32(AS_FIELD_KERN_VM.rawValue), "kern_vm"), (UInt32(AS_FIELD_VMA_LIST.rawValue), "vma_list"),
            (UInt32(AS_FIELD_TREE.rawValue), "rt or mt (its page ranges)"),
        ]
        let absent = names.filter { missing & $0.0 != 0 }.map(\.1).joined(separator: ", ")
        return "Linux \(release) has a struct bpf_arena arenascope does not know (no \(absent)); its page map would be wrong"
    }

    /// Frees from contexts that cannot sleep are queued (7.0+): pages can be `freeing`.
    static let defersFrees = btfHasName("arena_free_span")

    /// A kernel access that faults in an arena gets the arena's scratch page (7.1+).
    static let hasScratchPage = btfHasName("bpf_arena_handle_page_fault")

    /// `bpf_arena_reserve_pages` exists (6.17+): claimed pages may be unbacked.
    static let canReservePages = btfHasName("bpf_arena_reserve_pages")
}
