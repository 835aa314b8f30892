import Glibc

/// What the running kernel offers, read once from its BTF.
enum KernelSupport {
    static let vmlinuxBTF = "/sys/kernel/btf/vmlinux"

    /// The kernel's BTF, or nil where it has none.
    private static let btf: [UInt8]? = {
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
    }()

    /// True when `name` appears, NUL-terminated, in the kernel's BTF strings.
    private static func btfHasName(_ name: String) -> Bool {
        guard let btf else { return false }
        let needle = Array(name.utf8) + [0]
        return btf.withUnsafeBufferPointer { haystack in
            var index = 1
            while index + needle.count <= haystack.count {
                if haystack[index - 1] == 0 && haystack[index] == needle[0]
                    && needle.indices.allSatisfy({ haystack[index + $0] == needle[$0] }) {
                    return true
                }
                index += 1
            }
            return false
        }
    }

    /// Fails with a clear reason where the kernel has no BTF or no arenas.
    static func requireArenas() throws(LiveError) {
        guard btf != nil else { throw .unsupported("no kernel BTF at \(vmlinuxBTF) (CONFIG_DEBUG_INFO_BTF)") }
        guard hasArenas else { throw .unsupported("no BPF arenas (struct bpf_arena is not in the kernel's BTF; Linux 6.9 or later is needed)") }
    }

    static let hasArenas = btfHasName("bpf_arena")

    /// `bpf_arena_reserve_pages` exists (6.17+): claimed pages may be unbacked.
    static let canReservePages = btfHasName("bpf_arena_reserve_pages")
}
