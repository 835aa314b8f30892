import CLibBPF
import Glibc

/// What the running kernel offers, read once from its BTF.
enum KernelSupport {
    static let vmlinuxBTF = "/sys/kernel/btf/vmlinux"

    /// The kernel's BTF, or nil where it has none: from the kernel's BTF object in one
    /// system call where this process may (sysfs hands the file out a page a read, which
    /// costs a one-shot command tens of milliseconds), else from the file.
    private static let btf: [UInt8]? = loadedVmlinuxBTF() ?? fileBTF()

    private static func loadedVmlinuxBTF() -> [UInt8]? {
        var id: UInt32 = 0
        for _ in 0..<4096 {
            var next: UInt32 = 0
            guard bpf_btf_get_next_id(id, &next) == 0 else { return nil }
            id = next
            let fd = bpf_btf_get_fd_by_id(id)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var name = [CChar](repeating: 0, count: 64)
            var info = bpf_btf_info()
            var length = UInt32(MemoryLayout<bpf_btf_info>.size)
            let named = name.withUnsafeMutableBufferPointer { buffer -> Bool in
                info.name = UInt64(UInt(bitPattern: buffer.baseAddress))
                info.name_len = UInt32(buffer.count)
                return bpf_obj_get_info_by_fd(fd, &info, &length) == 0
            }
            guard named, info.kernel_btf != 0, String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "vmlinux", info.btf_size > 0, info.btf_size <= 64 << 20 else { continue }
            var bytes = [UInt8](repeating: 0, count: Int(info.btf_size))
            let size = info.btf_size
            let copied = bytes.withUnsafeMutableBufferPointer { buffer -> Bool in
                info = bpf_btf_info()
                info.btf = UInt64(UInt(bitPattern: buffer.baseAddress))
                info.btf_size = size
                length = UInt32(MemoryLayout<bpf_btf_info>.size)
                return bpf_obj_get_info_by_fd(fd, &info, &length) == 0
            }
            return copied ? bytes : nil
        }
        return nil
    }

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
                      let hit = memchr(base + offset, Int32(first), haystack.count - offset - wanted.count + 1) {
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
        guard btf != nil else { throw .unsupported("no kernel BTF at \(vmlinuxBTF) (CONFIG_DEBUG_INFO_BTF)") }
        guard hasArenas else { throw .unsupported("no BPF arenas (struct bpf_arena is not in the kernel's BTF; Linux 6.9 or later is needed)") }
    }

    static let hasArenas = btfHasName("bpf_arena")

    /// `bpf_arena_reserve_pages` exists (6.17+): claimed pages may be unbacked.
    static let canReservePages = btfHasName("bpf_arena_reserve_pages")
}
