import ArenaModel
import ArenaText

/// The kernel selftests' page-fragment allocator (`bpf_arena_alloc.h`): objects carved down
/// from the end of a page, the page's last 8 bytes counting the objects carved from it and
/// not freed, the page given back when the count drops to 0; its state is the arena globals
/// `page_frag_cur_page` and `page_frag_cur_offset`, by which it is recognised. Liveness is by
/// page: a page's count says how many of the objects on it are live, which the walk's objects
/// starting there are held against.
public enum FragmentAllocator {
    /// What the counts say.
    public struct Report: Sendable, Equatable {
        /// The root it was recognised by.
        public let root: String
        /// Pages read as the allocator's (reached objects start on them, none covers their count).
        public var pages = 0
        /// Objects their counts say are live, and objects the walk found starting on them.
        public var live = 0
        public var reached = 0
        /// Pages whose count and reached objects differ.
        public var findings: [Finding] = []
    }

    /// A page whose count says more objects are live than the walk reaches (leaked, or held
    /// where the walk cannot see), or fewer (freed objects still pointed at).
    public struct Finding: Sendable, Equatable {
        public let page: UInt32
        public let address: UInt64
        public let count: UInt64
        public let reached: Int

        public var text: String {
            count > UInt64(reached)
                ? "page \(page) at \(hex(address)): its count says \(count) live, \(reached) reached (\(count - UInt64(reached)) nothing reaches)"
                : "page \(page) at \(hex(address)): its count says \(count) live, \(reached) reached (\(UInt64(reached) - count) freed but still pointed at)"
        }
    }

    static let stateRoot = "page_frag_cur_page"

    /// The root that names the allocator's state, if `roots` have it.
    public static func recognisingRoot(_ roots: [StructureRoot]) -> String? {
        roots.first { $0.name == stateRoot || $0.name.hasPrefix(stateRoot + "[") }?.name
    }

    /// The counts of the pages `map` found objects on (its `pageObjects`), against those
    /// objects. Pages that hold an arena global, whose last 8 bytes an object covers, or whose last word
    /// is no count (0, or more than a page holds) are not the allocator's.
    public static func report(root: String, map: ObjectMap, snapshot: Snapshot, reader: inout ArenaReader) -> Report {
        var report = Report(root: root)
        let geometry = snapshot.geometry
        // The arena's globals lie on pages of their own, whose last word is a global's.
        let rootPages = Set(snapshot.roots.filter { $0.origin == "arena global" }.compactMap { geometry.page(containing: $0.address) })
        let capacity = geometry.pageSize / 8
        for (page, objects) in map.pageObjects.sorted(by: { $0.key < $1.key }) where objects.starts > 0 && !objects.coversTail && !rootPages.contains(page) {
            let address = geometry.address(ofPage: page)
            // A count of 0 is a page the allocator gives back: one still here is someone else's.
            guard let count = try? reader.word(at: address + geometry.pageSize - 8), count > 0, count < capacity else { continue }
            report.pages += 1
            report.live += Int(count)
            report.reached += objects.starts
            if count != UInt64(objects.starts) {
                report.findings.append(Finding(page: page, address: address, count: count, reached: objects.starts))
            }
        }
        return report
    }
}
