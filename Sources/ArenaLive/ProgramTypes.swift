import ArenaModel
import CLibBPF
import Glibc

/// The BTF of the programs that use an arena: every loaded program whose map ids include
/// the arena, its BTF fetched by id. arenascope's own programs are left out.
enum ProgramTypes {
    /// Names of arenascope's own programs (the reader it binds to an arena).
    static let ownPrograms: Set<String> = ["read_pages"]
    /// Programs looked at, at most (a bound on the walk over all loaded programs).
    static let maxPrograms = 65_536

    static func blobs(usingMap mapID: UInt32) throws(LiveError) -> [TypeBlob] {
        var blobs: [TypeBlob] = []
        var seenBTF = Set<UInt32>()
        var id: UInt32 = 0
        for _ in 0..<maxPrograms {
            var next: UInt32 = 0
            guard bpf_prog_get_next_id(id, &next) == 0 else { break }
            id = next
            let fd = bpf_prog_get_fd_by_id(id)
            if fd < 0 {
                if -fd == EPERM || -fd == EACCES {
                    throw .notPermitted(action: "read the programs' BTF", capability: "CAP_SYS_ADMIN")
                }
                continue
            }
            defer { close(fd) }
            guard let (name, maps, btfID) = programInfo(fd), maps.contains(mapID), btfID != 0,
                  !ownPrograms.contains(name), seenBTF.insert(btfID).inserted, let btf = btfBytes(id: btfID) else { continue }
            blobs.append(TypeBlob(origin: "prog \(id) (\(name))", btf: btf))
        }
        return blobs
    }

    private static func programInfo(_ fd: Int32) -> (name: String, maps: [UInt32], btf: UInt32)? {
        var info = bpf_prog_info()
        var length = UInt32(MemoryLayout<bpf_prog_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0 else { return nil }
        let name = fixedCString(info.name)
        let btf = info.btf_id
        let count = Int(min(info.nr_map_ids, 1024))
        guard count > 0 else { return (name, [], btf) }
        // Asked again, now with room for the map ids.
        var maps = [UInt32](repeating: 0, count: count)
        let filled = maps.withUnsafeMutableBufferPointer { buffer -> Bool in
            info = bpf_prog_info()
            info.nr_map_ids = UInt32(count)
            info.map_ids = UInt64(UInt(bitPattern: buffer.baseAddress))
            length = UInt32(MemoryLayout<bpf_prog_info>.size)
            return bpf_obj_get_info_by_fd(fd, &info, &length) == 0
        }
        guard filled else { return nil }
        return (name, Array(maps.prefix(Int(min(info.nr_map_ids, UInt32(count))))), btf)
    }

    private static func btfBytes(id: UInt32) -> [UInt8]? {
        let fd = bpf_btf_get_fd_by_id(id)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = bpf_btf_info()
        var length = UInt32(MemoryLayout<bpf_btf_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0, info.btf_size > 0, info.btf_size <= 64 << 20 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.btf_size))
        let size = info.btf_size
        let ok = bytes.withUnsafeMutableBufferPointer { buffer -> Bool in
            info = bpf_btf_info()
            info.btf = UInt64(UInt(bitPattern: buffer.baseAddress))
            info.btf_size = size
            length = UInt32(MemoryLayout<bpf_btf_info>.size)
            return bpf_obj_get_info_by_fd(fd, &info, &length) == 0
        }
        return ok ? bytes : nil
    }
}
