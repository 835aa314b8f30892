import ArenaModel

/// Everything reachable from an arena's roots by following typed pointers: the objects by
/// type, the backed pages they reach and those they do not (leak candidates), and the pointer
/// fields whose values lead nowhere (dangling, poisoned, wild).
public struct ObjectMap: Sendable {
    /// Reached objects of one type.
    public struct TypeCount: Sendable, Equatable {
        public let type: String
        public let count: Int
        public let bytes: UInt64

        public init(type: String, count: Int, bytes: UInt64) {
            self.type = type
            self.count = count
            self.bytes = bytes
        }
    }

    /// A pointer field whose non-null value does not lead to a backed page of the arena.
    public struct BadPointer: Sendable, Equatable {
        /// Where the field lies, and its path from a root (`table.buckets[5].first->next`).
        public let address: UInt64
        public let path: String
        /// What it holds, and where that is: a page state (`free`, `reserved`) or `not_arena`.
        public let value: UInt64
        public let target: String
    }

    /// A reached pointer field that points into a given object or page ("who points here").
    public struct Reference: Sendable, Equatable {
        public let address: UInt64
        public let path: String
        public let value: UInt64
    }

    /// Per type, most bytes first.
    public let types: [TypeCount]
    public let reachedPages: [UInt32]
    /// Backed pages that hold no reached object and no root: leak candidates.
    public let unreachedPages: [UInt32]
    public let badPointers: [BadPointer]
    public let objects: Int
    /// Bytes of the reached objects.
    public let bytes: UInt64
    /// Bytes of the reached pages, and of every backed page: how much of the arena the
    /// programs can still find.
    public let reachedBytes: UInt64
    public let backedBytes: UInt64
    /// The traversal stopped at its object or time bound before it was done.
    public let truncated: Bool
    /// Pointers into the object or page asked about (`ObjectTraversal.Options.referencesTo`).
    public let references: [Reference]
}

/// Walks every typed pointer from the roots, breadth first, each object once (cycles are
/// normal), reading page bytes in bulk through `pages` one level at a time and never an
/// unbacked page. Structs, unions (by their first member), arrays of structs and of
/// pointers, nested members and typedefs are followed; a `void *` or an integer root marks
/// its page reached without typing it.
public struct ObjectTraversal {
    public struct Options: Sendable {
        public var maxObjects: Int
        /// Seconds the walk may take before it stops, truncated.
        public var timeLimit: Double
        /// Collect the pointers into the object (or page) holding this address.
        public var referencesTo: UInt64?

        public init(maxObjects: Int = 1_000_000, timeLimit: Double = 10, referencesTo: UInt64? = nil) {
            self.maxObjects = maxObjects
            self.timeLimit = timeLimit
            self.referencesTo = referencesTo
        }
    }

    /// A pointer field inside a type: where it lies and what it points to (nil: untyped).
    struct PointerSlot {
        let offset: UInt64
        let pointee: TypeRef?
        let path: String
    }

    let catalog: TypeCatalog
    let snapshot: Snapshot
    let options: Options
    private var layouts: [TypeRef: [PointerSlot]] = [:]

    public init(catalog: TypeCatalog, snapshot: Snapshot, options: Options = Options()) {
        self.catalog = catalog
        self.snapshot = snapshot
        self.options = options
    }

    /// Walks from `roots`; `pages` gives the bytes of backed pages asked for together.
    public mutating func run(roots: [StructureRoot], clock: () -> Double = monotonicSeconds,
                             pages: ([UInt32]) throws -> [UInt32: [UInt8]]) throws -> ObjectMap {
        let geometry = snapshot.geometry
        let decoder = PointerDecoder(geometry: geometry)
        let pageSize = geometry.pageSize
        let started = clock()
        var bytesOf: [UInt32: [UInt8]] = [:]
        var reached = Set<UInt32>()
        var visited = Set<UInt64>()
        // Objects found: address, type, size, and how they were reached (for paths).
        var addresses: [UInt64] = [], types: [TypeRef] = [], sizes: [UInt64] = []
        var parents: [Int32] = [], via: [String] = []
        var perType: [TypeRef: (count: Int, bytes: UInt64)] = [:]
        // Roots that are pointers (held in maps) name what they point to with "->".
        var pointerRoots = Set<Int>()
        var bad: [(object: Int, slot: String, address: UInt64, value: UInt64, target: String)] = []
        var references: [(object: Int, slot: String, address: UInt64, value: UInt64)] = []
        var truncated = false
        let referencePage = options.referencesTo.flatMap { geometry.page(containing: $0) }

        func isBacked(_ page: UInt32) -> Bool { snapshot.pages.state(ofPage: page).isBacked }
        func add(_ address: UInt64, _ type: TypeRef, parent: Int32, via path: String) -> Bool {
            guard let size = catalog.size(of: type), size > 0, visited.insert(address).inserted else { return false }
            guard addresses.count < options.maxObjects else {
                truncated = true
                return false
            }
            addresses.append(address); types.append(type); sizes.append(size); parents.append(parent); via.append(path)
            return true
        }

        for root in roots {
            guard let page = geometry.page(containing: root.address), isBacked(page) else { continue }
            reached.insert(page)
            if let name = root.type, let entry = try? catalog.lookup(name), add(root.address, entry.ref, parent: -1, via: root.name),
               root.origin.hasPrefix("map ") {
                pointerRoots.insert(addresses.count - 1)
            }
        }

        var levelStart = 0
        while levelStart < addresses.count && !truncated {
            let levelEnd = addresses.count
            // The bytes of every page this level's objects lie in, in one request.
            var wanted = Set<UInt32>()
            for index in levelStart..<levelEnd {
                guard let first = geometry.page(containing: addresses[index]) else { continue }
                let last = geometry.page(containing: min(geometry.userVMEnd - 1, addresses[index] + sizes[index] - 1)) ?? first
                for page in first...last where bytesOf[page] == nil && isBacked(page) { wanted.insert(page) }
            }
            if !wanted.isEmpty {
                for (page, bytes) in try pages(wanted.sorted()) where bytes.count == Int(pageSize) { bytesOf[page] = bytes }
            }
            func word(_ address: UInt64) -> UInt64? {
                guard let page = geometry.page(containing: address), let bytes = bytesOf[page] else { return nil }
                let offset = Int(address - geometry.address(ofPage: page))
                guard offset + 8 <= bytes.count else { return nil }
                return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            }
            for index in levelStart..<levelEnd {
                if index & 0xFFF == 0 && clock() - started > options.timeLimit {
                    truncated = true
                    break
                }
                let address = addresses[index], size = sizes[index], type = types[index]
                perType[type, default: (0, 0)].count += 1
                perType[type, default: (0, 0)].bytes += size
                if let first = geometry.page(containing: address) {
                    let last = geometry.page(containing: min(geometry.userVMEnd - 1, address + size - 1)) ?? first
                    for page in first...last { reached.insert(page) }
                }
                for slot in layout(of: type) {
                    let field = address + slot.offset
                    guard let value = word(field), value != 0 else { continue }
                    guard let target = decoder.target(of: value), let page = geometry.page(containing: target) else {
                        bad.append((index, slot.path, field, value, "not_arena"))
                        continue
                    }
                    let state = snapshot.pages.state(ofPage: page)
                    guard state.isBacked else {
                        bad.append((index, slot.path, field, value, state.name))
                        continue
                    }
                    if page == referencePage { references.append((index, slot.path, field, value)) }
                    reached.insert(page)
                    // Objects are structs, unions and arrays; a pointer to a pointer or to a
                    // scalar (a list's pprev) points into a container already counted.
                    if let pointee = slot.pointee, isObject(pointee) { _ = add(target, pointee, parent: Int32(index), via: slot.path) }
                }
            }
            levelStart = levelEnd
        }

        // "table.buckets[5].first->next": the root, then each field followed, then the slot.
        func path(_ index: Int, _ slot: String) -> String {
            var chain: [Int] = []
            var current = index
            while current >= 0 && chain.count < 64 {
                chain.append(current)
                current = Int(parents[current])
            }
            chain.reverse()
            let fields = chain.dropFirst().map { via[$0] } + (slot.isEmpty ? [] : [slot])
            var text = via[chain[0]]
            for (step, field) in fields.enumerated() {
                let separator = step > 0 || pointerRoots.contains(chain[0]) ? "->" : field.hasPrefix("[") ? "" : "."
                text += separator + field
            }
            return text
        }
        var referencesFound = references
        if let wanted = options.referencesTo,
           let holder = addresses.indices.first(where: { addresses[$0] <= wanted && wanted < addresses[$0] + sizes[$0] }) {
            // Inside a reached object: the pointers into that object only.
            referencesFound = references.filter { $0.value >= addresses[holder] && decoder.target(of: $0.value).map { $0 < addresses[holder] + sizes[holder] } == true }
        }
        let backed = snapshot.pages.runs.filter(\.state.isBacked).flatMap { Array($0.first...$0.last) }
        let counts = perType.map { ObjectMap.TypeCount(type: catalog.name(of: $0.key), count: $0.value.count, bytes: $0.value.bytes) }
        return ObjectMap(
            types: counts.sorted { ($0.bytes, $1.type) > ($1.bytes, $0.type) },
            reachedPages: reached.sorted(),
            unreachedPages: backed.filter { !reached.contains($0) },
            badPointers: bad.map { ObjectMap.BadPointer(address: $0.address, path: path($0.object, $0.slot), value: $0.value, target: $0.target) },
            objects: perType.values.reduce(0) { $0 + $1.count },
            bytes: perType.values.reduce(0) { $0 + $1.bytes },
            reachedBytes: UInt64(reached.count) * pageSize,
            backedBytes: UInt64(backed.count) * pageSize,
            truncated: truncated,
            references: referencesFound.map { ObjectMap.Reference(address: $0.address, path: path($0.object, $0.slot), value: $0.value) })
    }

    /// True for what a pointer can lead to as an object of its own: a struct, union or array.
    private func isObject(_ ref: TypeRef) -> Bool {
        if ref.count != nil { return true }
        guard ref.pointers == 0, let kind = catalog.resolved(ref)?.type.kind else { return false }
        return kind == .structure || kind == .union || kind == .array
    }

    /// The pointer fields of `type`, worked out once a type.
    private mutating func layout(of type: TypeRef) -> [PointerSlot] {
        if let known = layouts[type] { return known }
        var slots: [PointerSlot] = []
        collect(type, at: 0, path: "", depth: 0, into: &slots)
        layouts[type] = slots
        return slots
    }

    private func collect(_ ref: TypeRef, at offset: UInt64, path: String, depth: Int, into slots: inout [PointerSlot]) {
        guard depth < 16, slots.count < 4096 else { return }
        if ref.pointers > 0 && ref.count == nil {
            slots.append(PointerSlot(offset: offset, pointee: ref.dereferenced, path: path))
            return
        }
        if let count = ref.count {
            guard let size = catalog.size(of: ref.element), size > 0 else { return }
            for index in 0..<min(Int(count), TypeCatalog.maxScannedElements) {
                collect(ref.element, at: offset + UInt64(index) * size, path: "\(path)[\(index)]", depth: depth + 1, into: &slots)
            }
            return
        }
        guard let (resolvedRef, type) = catalog.resolved(ref) else { return }
        let inner = { (id: UInt32) in TypeRef(blob: resolvedRef.blob, id: id) }
        switch type.kind {
        case .pointer:
            slots.append(PointerSlot(offset: offset, pointee: catalog.pointee(of: resolvedRef), path: path))
        case .structure, .union:
            let members = type.kind == .union ? Array(type.members.prefix(1)) : type.members
            for member in members where member.bitfieldSize == 0 && member.bitOffset % 8 == 0 {
                let name = member.name.isEmpty ? path : (path.isEmpty ? member.name : path + "." + member.name)
                collect(inner(member.type), at: offset + UInt64(member.bitOffset / 8), path: name, depth: depth + 1, into: &slots)
            }
        case .array:
            guard let size = catalog.size(of: inner(type.referenced)), size > 0 else { return }
            for index in 0..<min(Int(type.count), TypeCatalog.maxScannedElements) {
                collect(inner(type.referenced), at: offset + UInt64(index) * size, path: "\(path)[\(index)]", depth: depth + 1, into: &slots)
            }
        default:
            return
        }
    }
}
