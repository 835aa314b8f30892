import ArenaModel
import CLibBPF
import Glibc

/// The programs that use an arena: every loaded program whose map ids include it. Their BTF
/// describes what the arena holds; arenascope's own readers (of any session) are told apart.
enum ArenaPrograms {
    /// The name of arenascope's reader program (bpf/reader.bpf.c).
    static let readerName = "arenascope_read"
    /// Programs looked at, at most (a bound on the walk over all loaded programs).
    static let maxPrograms = 65_536

    /// The BTF of the programs that use arena `mapID`, arenascope's readers left out.
    static func blobs(usingMap mapID: UInt32) throws(LiveError) -> [TypeBlob] {
        var blobs: [TypeBlob] = []
        var seenBTF = Set<UInt32>()
        for program in try programs(usingMap: mapID) {
            guard program.btf != 0, program.name != readerName, seenBTF.insert(program.btf).inserted,
                  let btf = btfBytes(id: program.btf) else { continue }
            blobs.append(TypeBlob(origin: "prog \(program.id) (\(program.name))", btf: btf))
        }
        return blobs
    }

    /// arenascope readers bound to arena `mapID` (other sessions'), leaving out program `own`.
    static func readers(ofMap mapID: UInt32, excluding own: UInt32?) throws(LiveError) -> Int {
        try programs(usingMap: mapID).count { $0.name == readerName && $0.id != own }
    }

    /// The id of the program behind `fd`.
    static func id(ofProgram fd: Int32) -> UInt32? {
        var info = bpf_prog_info()
        var length = UInt32(MemoryLayout<bpf_prog_info>.size)
        return bpf_obj_get_info_by_fd(fd, &info, &length) == 0 ? info.id : nil
    }

    private static func programs(usingMap mapID: UInt32) throws(LiveError) -> [(id: UInt32, name: String, btf: UInt32)] {
        var found: [(id: UInt32, name: String, btf: UInt32)] = []
        var id: UInt32 = 0
        for _ in 0..<maxPrograms {
            var next: UInt32 = 0
            guard bpf_prog_get_next_id(id, &next) == 0 else { break }
            id = next
            let fd = bpf_prog_get_fd_by_id(id)
            if fd < 0 {
                if -fd == EPERM || -fd == EACCES {
                    throw .notPermitted(action: "read the programs that use the arena", capability: "CAP_SYS_ADMIN")
                }
                continue
            }
            defer { close(fd) }
            guard let (name, maps, btfID) = programInfo(fd), maps.contains(mapID) else { continue }
            found.append((id, name, btfID))
        }
        return found
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
