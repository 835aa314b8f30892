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

    /// A loaded program that uses an arena.
    struct Program {
        let id: UInt32
        let name: String
        /// Its BTF's id (0 when it has none).
        let btf: UInt32
        /// The maps it uses, the arena among them.
        let maps: [UInt32]
        /// Its fd, open while the value lives.
        fileprivate let fd: ProgramFD

        /// The values its `ld_imm64` instructions load, as the kernel translated them (addresses
        /// of map values, arena globals, constants).
        func loadedConstants() -> [UInt64] {
            var info = bpf_prog_info()
            var length = UInt32(MemoryLayout<bpf_prog_info>.size)
            guard bpf_obj_get_info_by_fd(fd.value, &info, &length) == 0, info.xlated_prog_len > 0,
                info.xlated_prog_len <= 1 << 24
            else { return [] }
            let count = Int(info.xlated_prog_len) / MemoryLayout<bpf_insn>.size
            var instructions = [bpf_insn](repeating: bpf_insn(), count: count)
            let filled = instructions.withUnsafeMutableBufferPointer { buffer -> Bool in
                info = bpf_prog_info()
                info.xlated_prog_len = UInt32(count * MemoryLayout<bpf_insn>.size)
                info.xlated_prog_insns = UInt64(UInt(bitPattern: buffer.baseAddress))
                length = UInt32(MemoryLayout<bpf_prog_info>.size)
                return bpf_obj_get_info_by_fd(fd.value, &info, &length) == 0
            }
            guard filled else { return [] }
            var constants: [UInt64] = []
            var index = 0
            while index + 1 < count {
                // BPF_LD | BPF_IMM | BPF_DW: a 64-bit immediate over two instructions.
                if instructions[index].code == 0x18 {
                    constants.append(UInt64(UInt32(bitPattern: instructions[index].imm)) | UInt64(UInt32(bitPattern: instructions[index + 1].imm)) << 32)
                    index += 2
                } else {
                    index += 1
                }
            }
            return constants
        }
    }

    /// An fd closed when the last copy of its holder goes.
    fileprivate final class ProgramFD {
        let value: Int32
        init(_ value: Int32) { self.value = value }
        deinit { close(value) }
    }

    /// The BTF of the programs that use arena `mapID`, arenascope's readers left out.
    static func blobs(usingMap mapID: UInt32) throws(LiveError) -> [TypeBlob] {
        var blobs: [TypeBlob] = []
        var seenBTF = Set<UInt32>()
        for program in try programs(usingMap: mapID) {
            guard program.btf != 0, program.name != readerName, seenBTF.insert(program.btf).inserted,
                let btf = LoadedBTF.bytes(id: program.btf)
            else { continue }
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

    /// Every loaded program whose maps include `mapID`.
    static func programs(usingMap mapID: UInt32) throws(LiveError) -> [Program] {
        var found: [Program] = []
        var id: UInt32 = 0
        for _ in 0..<maxPrograms {
            var next: UInt32 = 0
            guard bpf_prog_get_next_id(id, &next) == 0 else { break }
            id = next
            let fd = bpf_prog_get_fd_by_id(id)
            if fd < 0 {
                if -fd == EPERM || -fd == EACCES {
                    throw .refusal("read the programs that use the arena", needs: [.sysAdmin])
                }
                continue
            }
            let holder = ProgramFD(fd)
            guard let (name, maps, btfID) = programInfo(fd), maps.contains(mapID) else { continue }
            found.append(Program(id: id, name: name, btf: btfID, maps: maps, fd: holder))
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
}
