import CLibBPF
import Glibc

/// BTF objects the kernel holds (programs', maps', its own), read by id.
enum LoadedBTF {
    /// The raw BTF with id `id`, or nil when it cannot be had.
    static func bytes(id: UInt32) -> [UInt8]? {
        let fd = bpf_btf_get_fd_by_id(id)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return bytes(fd: fd)
    }

    /// The kernel's own BTF (`vmlinux`) in one system call, or nil where this process may
    /// not read BTF objects.
    static func vmlinux() -> [UInt8]? {
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
            guard named, info.kernel_btf != 0,
                String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "vmlinux"
            else { continue }
            return bytes(fd: fd)
        }
        return nil
    }

    /// The BTF behind `fd`: its size first, then the bytes.
    private static func bytes(fd: Int32) -> [UInt8]? {
        var info = bpf_btf_info()
        var length = UInt32(MemoryLayout<bpf_btf_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0, info.btf_size > 0, info.btf_size <= 64 << 20 else { return nil }
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
}
