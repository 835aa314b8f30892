import CLibBPF
import Glibc

/// Opening BPF maps by id or pin, with the kernel's refusals turned into `LiveError`s.
enum LiveMap {
    static let arenaType: UInt32 = 33

    /// What identifies an arena map besides its id (ids are reused after a map dies).
    struct Identity: Equatable {
        let name: String
        let maxPages: UInt32
    }

    /// An fd for map `id`, checked to be an arena, and its identity. The caller closes the fd.
    static func openArena(id: UInt32) throws(LiveError) -> (fd: Int32, identity: Identity) {
        let fd = bpf_map_get_fd_by_id(id)
        guard fd >= 0 else {
            let code = -fd
            switch code {
            case ENOENT: throw .noSuchMap(id: id)
            case EPERM, EACCES: throw .refusal("open a BPF map by id", needs: [.sysAdmin])
            default: throw .system(call: "BPF_MAP_GET_FD_BY_ID", errno: code)
            }
        }
        let info: bpf_map_info
        do throws(LiveError) {
            info = try self.info(fd)
        } catch {
            close(fd)
            throw error
        }
        return (fd, try arena(fd, info).identity)
    }

    /// An fd for the arena pinned at `path`, its id and identity: the map the pin holds, used
    /// as it is (finding it again by id would need CAP_SYS_ADMIN and could find another map
    /// that took the id meanwhile). The caller closes the fd.
    static func openArena(pinnedAt path: String) throws(LiveError) -> (fd: Int32, id: UInt32, identity: Identity) {
        let fd = bpf_obj_get(path)
        guard fd >= 0 else {
            let code = -fd
            switch code {
            case ENOENT: throw .noSuchPin(path: path)
            // EACCES: the pin's own permissions in bpffs; EPERM: the bpf() call itself.
            case EACCES: throw .notPermitted(action: "open the pinned object \(path)", capability: "read access to it (its bpffs permissions)")
            case EPERM: throw .refusal("open the pinned object \(path)", needs: [.bpf])
            default: throw .system(call: "BPF_OBJ_GET \(path)", errno: code)
            }
        }
        guard let info = try? self.info(fd) else {
            close(fd)
            throw .unreadable("\(path) is not a pinned BPF map")
        }
        let (id, identity) = try arena(fd, info)
        return (fd, id, identity)
    }

    /// The id and identity of the map behind `fd`, whose info is `info`, checked to be an
    /// arena; `fd` is closed when it is not.
    private static func arena(_ fd: Int32, _ info: bpf_map_info) throws(LiveError) -> (id: UInt32, identity: Identity) {
        guard info.type == arenaType else {
            close(fd)
            throw .notArena(id: info.id, name: name(of: info), type: info.type)
        }
        return (info.id, Identity(name: name(of: info), maxPages: info.max_entries))
    }

    static func info(_ fd: Int32) throws(LiveError) -> bpf_map_info {
        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0 else { throw .system(call: "BPF_OBJ_GET_INFO_BY_FD", errno: errno) }
        return info
    }

    static func name(of info: bpf_map_info) -> String {
        fixedCString(info.name)
    }
}

/// The text of a fixed-size C `char` array (a map name), up to its first NUL.
func fixedCString<Characters>(_ characters: Characters) -> String {
    withUnsafeBytes(of: characters) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
