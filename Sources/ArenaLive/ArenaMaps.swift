import ArenaModel
import CLibBPF
import Glibc

/// The arenas on the system as their maps' info tells, with no kernel memory read: for
/// hosts where the sampler cannot run (lockdown forbidding kernel reads, a policy refusing
/// the program). Without the sampler the user range is known where the arena was created
/// at a fixed address (`map_extra`) or a process holding it maps it; page states are not.
enum ArenaMaps {
    /// Maps looked at, at most (a bound on the walk over every map id).
    static let maxMaps = 65_536

    /// Every arena's record as far as its map's info and its holders' mappings tell: the
    /// counts the sampler would fill are zero.
    static func records() throws(LiveError) -> [ArenaRecord] {
        var records: [ArenaRecord] = []
        var id: UInt32 = 0
        let holders = ProcessMappings.mapHolders()
        for _ in 0..<maxMaps {
            var next: UInt32 = 0
            let result = bpf_map_get_next_id(id, &next)
            guard result == 0 else {
                if -result == EPERM || -result == EACCES { throw .refusal("list BPF maps", needs: [.sysAdmin]) }
                break
            }
            id = next
            guard let record = try? record(id: id, holders: holders[id] ?? []) else { continue }
            records.append(record)
        }
        return records
    }

    /// Arena `id`'s record from its map's info (`LiveError.notArena` for another map).
    static func record(id: UInt32, holders: [Int32]? = nil) throws(LiveError) -> ArenaRecord {
        let (fd, _) = try LiveMap.openArena(id: id)
        defer { close(fd) }
        let info = try LiveMap.info(fd)
        let start =
            info.map_extra != 0 ? info.map_extra : mappedStart(id: id, pages: info.max_entries, holders: holders ?? ProcessMappings.mapHolders()[id] ?? [])
        return ArenaRecord(mapInfo: info, userVMStart: start ?? 0)
    }

    /// The arena's user address from its holders' mappings of its size; where they map
    /// several such maps, the one that the addresses its programs load (`__arena` globals)
    /// fall in. Nil where that leaves none or more than one.
    private static func mappedStart(id: UInt32, pages: UInt32, holders: [Int32]) -> UInt64? {
        let length = UInt64(pages) * 4096
        let candidates = ProcessMappings.starts(ofMapping: length, in: holders)
        guard candidates.count > 1 else { return candidates.first }
        let loads = ((try? ArenaPrograms.programs(usingMap: id)) ?? []).flatMap { $0.loadedConstants() }
        let loaded = candidates.filter { start in loads.contains { $0 >= start && $0 - start < length } }
        return loaded.count == 1 ? loaded.first : nil
    }
}

extension ArenaRecord {
    /// What the map's info and a user address found elsewhere tell of an arena; the counts
    /// only the sampler can give are zero, and the mapping processes unknown.
    init(mapInfo info: bpf_map_info, userVMStart start: UInt64) {
        var raw = as_record()
        raw.id = info.id
        raw.max_entries = info.max_entries
        raw.map_flags = info.map_flags
        raw.user_vm_start = start
        raw.user_vm_end = start == 0 ? 0 : start + UInt64(info.max_entries) * 4096
        raw.name = info.name
        self.init(raw)
    }
}

extension LiveArenaSummary {
    /// Every arena without its page states (`pages` nil), for hosts where the sampler
    /// cannot run: id, size, flags, user range where known, the programs that use it, the
    /// processes that hold or map it, and where its globals lie.
    public static func withoutSampler() throws(LiveError) -> [LiveArenaSummary] {
        let holders = ProcessMappings.mapHolders()
        return try ArenaMaps.records().map { record in
            let mapping = record.userVMStart == 0 ? [] : ProcessMappings.processes(mapping: record.userVMStart, end: record.userVMEnd)
            let pids = Array(Set(mapping + (holders[record.id] ?? []))).sorted()
            let roots = LiveRoots(arenaID: record.id)
            _ = roots.roots(geometry: record.geometry, references: 0)
            return LiveArenaSummary(
                record: record, pids: pids, pages: nil, programs: roots.programs,
                processes: pids.map { ($0, ProcessMappings.command(of: $0)) },
                globals: roots.globalsArea.map { ($0.place, $0.pages) })
        }
    }
}

extension LiveRoots {
    /// The roots of arena `mapID` found without the sampler: from the programs' info and
    /// their maps, at the user address its map or a holder's mapping gives.
    public static func withoutSampler(mapID: UInt32) throws(LiveError) -> (geometry: ArenaGeometry, roots: [StructureRoot]) {
        let record = try ArenaMaps.record(id: mapID)
        guard record.userVMStart != 0 else {
            throw .unreadable(
                "arena \(mapID) has no user address that can be found without the sampler (it was not created at a fixed address and no process holding it maps it)"
            )
        }
        return (record.geometry, LiveRoots(arenaID: mapID).roots(geometry: record.geometry, references: 0))
    }
}
