import ArenaModel
import ArenaTypes
import CLibBPF
import Glibc

/// The named, typed roots of a live arena, found from the programs that use it:
///
/// - `__arena` globals: the variables of each program's `.addr_space.1` data section, at the
///   place the program's translated instructions load them from (libbpf puts them at the
///   start of the arena, or since 1.7 on 7.0+ kernels at its end: found, not assumed);
/// - pointers into the arena (and untyped words that hold arena addresses) in the programs'
///   other maps whose values have BTF: `.bss`, `.data`, `.rodata` and array maps, read with a
///   plain lookup, which changes nothing.
///
/// Which programs and maps to look at is worked out again only when the arena's reference
/// count changes (programs loaded or gone); map values are read at every sample.
public final class LiveRoots {
    /// Entries of one array map read at most.
    static let maxEntries = 1024
    /// Bytes of one map read at most.
    static let maxMapBytes = 1 << 20

    private let arenaID: UInt32
    private var plannedFor: (references: UInt64, start: UInt64)?
    private var globals: [StructureRoot] = []
    private var maps: [GlobalMap] = []
    /// The programs that use the arena, as of the last look (arenascope's readers left out).
    private(set) var programs: [(id: UInt32, name: String)] = []
    /// Where the programs' arena globals lie, as of the last look.
    private(set) var globalsArea: GlobalsArea?

    /// The pages of the arena that hold its programs' `__arena` globals.
    struct GlobalsArea: Equatable {
        /// First page and number of pages.
        let firstPage: UInt32
        let pages: UInt32
        /// At the arena's start, at its end, or elsewhere.
        let place: String
    }

    /// A map of the programs' whose values may hold arena addresses.
    private struct GlobalMap {
        let id: UInt32
        let name: String
        let valueSize: Int
        let entries: Int
        let catalog: TypeCatalog
        let valueType: TypeRef
        /// A data section (`.bss`) names its variables; an array map its entries.
        let isSection: Bool
    }

    public init(arenaID: UInt32) { self.arenaID = arenaID }

    /// The roots now, given the arena's latest record.
    public func roots(_ record: ArenaRecord) -> [StructureRoot] {
        roots(geometry: record.geometry, references: record.referenceCount)
    }

    /// The roots now, in an arena of `geometry` whose map has `references` references
    /// (the programs and maps are looked at again when either changes).
    func roots(geometry: ArenaGeometry, references: UInt64) -> [StructureRoot] {
        if plannedFor?.references != references || plannedFor?.start != geometry.userVMStart {
            plan(geometry)
            plannedFor = (references, geometry.userVMStart)
        }
        let decoder = PointerDecoder(geometry: geometry)
        return globals + maps.flatMap { pointers(in: $0, decoder: decoder) }
    }

    /// Looks at the programs that use the arena: their arena globals and their maps.
    private func plan(_ geometry: ArenaGeometry) {
        globals = []
        maps = []
        programs = []
        globalsArea = nil
        guard let found = try? ArenaPrograms.programs(usingMap: arenaID) else { return }
        programs = found.filter { $0.name != ArenaPrograms.readerName }.map { ($0.id, $0.name) }
        var catalogs: [UInt32: TypeCatalog] = [:]
        func catalog(_ btfID: UInt32, origin: String) -> TypeCatalog? {
            if let known = catalogs[btfID] { return known }
            guard btfID != 0, let bytes = LoadedBTF.bytes(id: btfID) else { return nil }
            let made = TypeCatalog([TypeBlob(origin: origin, btf: bytes)])
            catalogs[btfID] = made
            return made
        }
        var seenGlobals = Set<String>()
        var seenMaps = Set<UInt32>([arenaID])
        for program in found where program.name != ArenaPrograms.readerName {
            if let types = catalog(program.btf, origin: "prog \(program.id)"), let section = types.section(named: ".addr_space.1"),
                let base = Self.globalsBase(section, loads: program.loadedConstants(), geometry: geometry)
            {
                if globalsArea == nil { globalsArea = Self.area(base: base, section: section, geometry: geometry) }
                for variable in section where seenGlobals.insert(variable.name).inserted {
                    globals.append(
                        StructureRoot(
                            name: variable.name, address: base + UInt64(variable.offset),
                            type: types.name(of: variable.type), origin: "arena global"))
                }
            }
            for mapID in program.maps where seenMaps.insert(mapID).inserted {
                if let map = Self.globalMap(mapID, catalog: catalog) { maps.append(map) }
            }
        }
    }

    /// Where a program's arena globals start: the page-aligned place inside the arena that
    /// holds the most of the addresses its instructions load, among those where the whole
    /// section fits (libbpf's places, the arena's start or its end, break ties).
    static func globalsBase(_ section: [SectionVariable], loads: [UInt64], geometry: ArenaGeometry) -> UInt64? {
        let size = section.map { UInt64($0.offset) + UInt64($0.size) }.max() ?? 0
        let page = geometry.pageSize
        let span = (size + page - 1) / page * page
        guard size > 0, span <= geometry.byteCount else { return nil }
        let inside = loads.filter { $0 >= geometry.userVMStart && $0 < geometry.userVMEnd }
        var candidates = Set<UInt64>()
        for address in inside {
            let pageStart = address - (address - geometry.userVMStart) % page
            var base = pageStart
            while base + span > address && base >= geometry.userVMStart {
                if base + span <= geometry.userVMEnd { candidates.insert(base) }
                guard base >= page else { break }
                base -= page
            }
        }
        let preferred = [geometry.userVMStart, geometry.userVMEnd - span]
        return candidates.max { a, b in
            let (countA, countB) = (inside.count { $0 >= a && $0 < a + size }, inside.count { $0 >= b && $0 < b + size })
            if countA != countB { return countA < countB }
            return (preferred.contains(a) ? 1 : 0, -Int64(bitPattern: a)) < (preferred.contains(b) ? 1 : 0, -Int64(bitPattern: b))
        }
    }

    private static func area(base: UInt64, section: [SectionVariable], geometry: ArenaGeometry) -> GlobalsArea {
        let size = section.map { UInt64($0.offset) + UInt64($0.size) }.max() ?? 0
        let pages = UInt32((size + geometry.pageSize - 1) / geometry.pageSize)
        let first = geometry.page(containing: base) ?? 0
        let place = first == 0 ? "start" : first + pages == geometry.maxPages ? "end" : "page \(first)"
        return GlobalsArea(firstPage: first, pages: pages, place: place)
    }

    /// A map worth reading for arena addresses: an array with BTF for its values.
    private static func globalMap(_ id: UInt32, catalog: (UInt32, String) -> TypeCatalog?) -> GlobalMap? {
        let fd = bpf_map_get_fd_by_id(id)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0, info.type == BPF_MAP_TYPE_ARRAY.rawValue,
            info.btf_id != 0, info.btf_value_type_id != 0, info.value_size > 0,
            let types = catalog(info.btf_id, "map \(id)")
        else { return nil }
        let entries = Int(min(info.max_entries, UInt32(maxEntries), UInt32(maxMapBytes) / max(1, info.value_size)))
        let valueType = TypeRef(blob: 0, id: info.btf_value_type_id)
        return GlobalMap(
            id: id, name: fixedCString(info.name), valueSize: Int(info.value_size), entries: entries,
            catalog: types, valueType: valueType, isSection: types.isDataSection(valueType))
    }

    /// The arena addresses the map's values hold now, as roots.
    private func pointers(in map: GlobalMap, decoder: PointerDecoder) -> [StructureRoot] {
        let fd = bpf_map_get_fd_by_id(map.id)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var roots: [StructureRoot] = []
        var value = [UInt8](repeating: 0, count: map.valueSize)
        for entry in 0..<map.entries {
            var key = UInt32(entry)
            guard value.withUnsafeMutableBytes({ bpf_map_lookup_elem(fd, &key, $0.baseAddress) }) == 0 else { continue }
            let path = map.isSection ? "" : "\(map.name)[\(entry)]"
            for found in map.catalog.arenaPointers(in: value, as: map.valueType, named: path, decoder: decoder) {
                roots.append(
                    StructureRoot(
                        name: found.path, address: found.target, type: found.pointee.map { map.catalog.name(of: $0) },
                        origin: "map \(map.name)"))
            }
        }
        return roots
    }
}
