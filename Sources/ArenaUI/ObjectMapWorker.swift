import ArenaModel
import ArenaTypes
import Foundation
import Synchronization

/// The object walk for the inspector, off the key path. The bytes of the sample's backed
/// pages are taken from the sample's reads (`SampleReads`: the pages the panes or the
/// recorder read already, the rest in one bulk read, on the key path: 11 ms for 5,900 pages,
/// measured); a worker thread walks them while keys and samples go on, and `poll` picks the result
/// up. The next walk starts from the latest sample once the last is done, and no sooner than
/// a second, or four times the last walk, after it: the rate the walk can afford. A walk's bad
/// pointers get `ObjectWalk`'s second look before it is shown: one that does not hold up in
/// the arena now (the program rewrote it while the copy was walked) means the walk is taken
/// again from the next sample, as `arenascope objects` takes it again from a fresh one.
final class ObjectMapWorker {
    /// Addresses kept of each type, for the pane's instance lists.
    static let instancesPerType = 10_000
    /// Objects walked at most (the walk keeps about 20 bytes an object).
    static let maxObjects = 4_000_000

    /// A finished walk and what the allocators' bookkeeping said beside it.
    private typealias Walked = (map: ObjectMap, allocators: [SlabAllocator.Report], fragments: FragmentAllocator.Report?)

    /// What the worker thread and the inspector share.
    private final class Shared: Sendable {
        let found = Atomic<Int>(0)
        let result = Mutex<Result<Walked, any Error>?>(nil)
    }

    private(set) var map: ObjectMap?
    /// What the allocators' bookkeeping said beside the map (live objects, leaks, stale pointers, broken checks).
    private(set) var allocators: [SlabAllocator.Report] = []
    /// The page-fragment allocator's counts against the walk, where one is recognised.
    private(set) var fragments: FragmentAllocator.Report?
    /// The address whose referrers the walks collect (`R`), and the one `map.references` are for.
    private(set) var referencesTo: UInt64?
    private var mapReferencesTo: UInt64?
    /// `map.references` answer the question asked (`referencesTo`).
    var referencesAnswered: Bool { map != nil && referencesTo != nil && mapReferencesTo == referencesTo }
    /// Why there is no walk: an arena too large, pages that could not be read.
    private(set) var failure: String?
    /// Objects found so far by the walk in progress; nil when none is running.
    var walking: Int? { running.map { $0.found.load(ordering: .relaxed) } }
    private var running: Shared?
    private var runningReferencesTo: UInt64?
    private var startedAt = 0.0
    private var shownFound = 0
    private var mapSample = -1
    /// Walks in a row whose bad pointers did not hold up.
    private var tornWalks = 0
    private var nextStart = -Double.infinity
    private let clock: () -> Double

    /// Declarations made in the inspector (`v` on a root or a field), walked with the source's.
    private(set) var sessionShape = Shape()

    init(clock: @escaping () -> Double = monotonicSeconds) { self.clock = clock }

    /// Adds `shape` to the session's declarations; the next walk, at once, uses them.
    func declare(_ shape: Shape) {
        sessionShape = sessionShape.merging(shape)
        mapSample = -1
        nextStart = -.infinity
    }

    /// Collects the pointers into the object or page at `address` from the next walk on, which
    /// starts as soon as the one running (if any) is done; nil stops collecting.
    func collectReferences(to address: UInt64?) {
        referencesTo = address
        if address != nil { nextStart = -.infinity }
    }

    /// Picks up a finished walk, starts one when due; true when the pane should be drawn again.
    func poll(backend: SamplingBackend, catalog: TypeCatalog) -> Bool {
        let now = clock()
        if let running {
            guard let result = running.result.withLock({ $0.take() }) else {
                let found = running.found.load(ordering: .relaxed)
                defer { shownFound = found }
                return found != shownFound
            }
            self.running = nil
            // A question asked while this walk ran is answered by the next one, at once.
            nextStart = runningReferencesTo == referencesTo ? now + max(1, 4 * (now - startedAt)) : -.infinity
            do {
                let (walked, allocators, fragments) = try result.get()
                guard let fresh = backend.latest,
                    let map = try ObjectWalk.confirmed(walked, source: backend.source, fresh: fresh, attempt: tornWalks + 1)
                else {
                    // Taken again from the next sample: this one's reads are what the walk saw.
                    tornWalks += 1
                    nextStart = -.infinity
                    return false
                }
                tornWalks = 0
                self.map = map
                self.fragments = fragments
                self.allocators = try SlabAllocator.confirmed(
                    allocators, in: fresh, source: backend.source, catalog: catalog,
                    shape: try ObjectWalk.shape(of: backend.source).merging(sessionShape))
                mapReferencesTo = runningReferencesTo
                failure = nil
            } catch {
                failure = "the walk failed: \(error)"
            }
            return true
        }
        let asked = referencesTo != nil && !referencesAnswered
        guard let snapshot = backend.latest, backend.sampleCount != mapSample || asked, now >= nextStart else { return false }
        mapSample = backend.sampleCount
        start(snapshot, reads: backend.reads, catalog: catalog, now: now)
        return true
    }

    private func start(_ snapshot: Snapshot, reads: SampleReads, catalog: TypeCatalog, now: Double) {
        let backed = snapshot.pages.backedPages
        guard backed.count <= SampleReads.maxKeptPages else {
            failure = "\(backed.count) backed pages: more than the inspector copies (\(SampleReads.maxKeptPages)); arenascope objects walks it"
            nextStart = now + 1
            return
        }
        let shape: Shape
        do {
            shape = try ObjectWalk.shape(of: reads).merging(sessionShape)
        } catch {
            failure = "\(error)"
            nextStart = now + 1
            return
        }
        let copy: [UInt32: [UInt8]]
        do {
            copy = try reads.bytes(ofPages: backed)
        } catch {
            failure = "the pages could not be read: \(error)"
            nextStart = now + 1
            return
        }
        let shared = Shared()
        running = shared
        startedAt = now
        shownFound = 0
        runningReferencesTo = referencesTo
        let options = ObjectTraversal.Options(maxObjects: Self.maxObjects, referencesTo: referencesTo, instancesPerType: Self.instancesPerType, shape: shape)
        Thread.detachNewThread {
            let result = Result { () throws -> Walked in
                var reader = ArenaReader(snapshot: snapshot) { page in
                    guard let bytes = copy[page] else { throw ReadError.unavailable(page: page, reason: "not in the copy") }
                    return bytes
                }
                var allocators = try SlabAllocator.checkedReports(catalog: catalog, snapshot: snapshot, shape: shape, reader: &reader)
                var watching = options
                watching.watch = SlabAllocator.Report.watch(allocators)
                let fragmentRoot = FragmentAllocator.recognisingRoot(snapshot.roots)
                watching.countsObjectsOnPages = fragmentRoot != nil
                var traversal = ObjectTraversal(catalog: catalog, snapshot: snapshot, options: watching)
                let map = try traversal.run(roots: snapshot.roots, progress: { shared.found.store($0, ordering: .relaxed) }) { pages in
                    var bytes: [UInt32: [UInt8]] = [:]
                    for page in pages { bytes[page] = copy[page] }
                    return bytes
                }
                for index in allocators.indices { allocators[index].judge(using: map) }
                return (map, allocators, fragmentRoot.map { FragmentAllocator.report(root: $0, map: map, snapshot: snapshot, reader: &reader) })
            }
            shared.result.withLock { $0 = result }
        }
    }
}
