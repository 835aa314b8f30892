import ArenaModel
import ArenaTypes
import ArenaScreen
import ArenaText

/// The inspector's state and behaviour, with no terminal in sight: events go in,
/// a cell grid comes out. The terminal front end and the tests drive it the same way.
public final class InspectorApp {
    public let backend: SamplingBackend
    /// The pane that keys act on.
    public internal(set) var focus: PaneID = .pageMap
    public internal(set) var width: Int
    public internal(set) var height: Int

    // Page map
    var cursorPage: UInt32 = 0
    /// Pages a cell stands for; nil fits the whole arena in the pane.
    var zoomPagesPerCell: UInt32?
    var mapTopRow = 0
    var lastMapGeometry = MapGeometry(columns: 1, rows: 1, pagesPerCell: 1)

    // Ranges
    var sortBySize = false
    var rangeSelection = 0
    var rangeTop = 0
    var sortedRuns: [PageRun] = []
    private var sortedFor = -1

    // Hexdump and chase
    var hexCursor: UInt64 = 0
    var hexTop: UInt64 = 0
    var history: [UInt64] = []
    var chainNode: UInt64 = 0
    var chainOffset: UInt64 = 0
    var pointer32 = false
    var chaseSelection = 0
    var rootIndex = -1
    private var chainCache: (key: ChainKey, result: Result<ChaseResult, ReadErrorMessage>)?

    // Page bytes of this sample and the one before, for pages that were shown.
    private var bytes: [UInt32: [UInt8]] = [:]
    private var readFailures: [UInt32: String] = [:]
    var previousBytes: [UInt32: [UInt8]] = [:]

    // Freed ranges of the last few samples, newest first.
    var recentlyFreed: [[PageRange]] = []
    static let freedMemory = 3

    // Overlays
    enum Overlay: Equatable {
        case help
        case prompt(PromptKind, String)
    }
    enum PromptKind: Equatable {
        case gotoAddress, search, seekFrame, viewAsType
        var label: String {
            switch self {
            case .gotoAddress: "go to address"
            case .search: "search hex bytes"
            case .seekFrame: "go to frame, or time with s (12.5s)"
            case .viewAsType: "view as type (struct NAME)"
            }
        }
    }

    // Typed views
    /// The source's types, read once when first needed.
    var catalogCache: TypeCatalog?
    /// Types chosen for addresses in this session.
    var rememberedTypes: [UInt64: TypeRef] = [:]
    /// The pane under the hexdump shows the field tree of the typed value at `typedAddress`.
    var showFields = false
    var typedAddress: UInt64 = 0
    /// The field the chain follows, by name, when chosen with `n`.
    var chainField: String?
    var overlay: Overlay?
    /// The first help line shown when the help does not fit the screen.
    var helpTop = 0
    var message: String?

    /// Starts and stops recordings for `r`; nil where recording is not offered.
    public var recording: SessionRecording?

    public init(backend: SamplingBackend, width: Int, height: Int) {
        self.backend = backend
        self.width = width
        self.height = height
        if let snapshot = backend.latest { focusOnFirstStructure(snapshot) }
    }

    var snapshot: Snapshot? { backend.latest }

    /// The recording's timeline when the source is one.
    var timeline: Timeline? { backend.source as? Timeline }

    var layout: Layout { Layout(width: width, height: height, focus: focus, barRows: timeline == nil ? 1 : 2) }

    var decoder: PointerDecoder? {
        snapshot.map { PointerDecoder(geometry: $0.geometry, acceptsLow32: pointer32 ? true : nil) }
    }

    // MARK: sampling

    /// Takes the sample the backend says is due; returns true when the screen should change.
    public func tick() -> Bool {
        guard let outcome = backend.tick() else { return false }
        absorb(outcome)
        return true
    }

    /// Folds a sampling outcome into the view state.
    public func absorb(_ outcome: SampleOutcome) {
        guard case .sampled(let snapshot) = outcome else { return }
        if let recording, recording.isRecording {
            if let problem = recording.record(snapshot, from: backend.source) { message = problem }
        }
        if let timeline, !backend.isPaused, timeline.position >= timeline.frameCount - 1 {
            backend.isPaused = true
            message = "end of the recording"
        }
        if let diff = backend.lastDiff {
            recentlyFreed.insert(diff.freed, at: 0)
            if recentlyFreed.count > Self.freedMemory { recentlyFreed.removeLast() }
        }
        previousBytes = bytes
        bytes = [:]
        readFailures = [:]
        chainCache = nil
        if hexCursor == 0 { focusOnFirstStructure(snapshot) }
        if cursorPage >= snapshot.geometry.maxPages { cursorPage = snapshot.geometry.maxPages - 1 }
    }

    private func focusOnFirstStructure(_ snapshot: Snapshot) {
        if let root = snapshot.roots.first(where: { $0.address != 0 }) {
            jump(to: root.address, remember: false)
            chainNode = root.address
            chainOffset = root.nextOffset
        } else if let firstBacked = snapshot.pages.runs.first(where: { $0.state.isBacked }) {
            jump(to: snapshot.geometry.address(ofPage: firstBacked.first), remember: false)
            chainNode = hexCursor
        } else {
            hexCursor = snapshot.geometry.userVMStart
            chainNode = hexCursor
        }
    }

    /// The bytes of `page` in this sample, or nil when it is not backed or unreadable
    /// (`unreadable(page)` then says why).
    func pageBytes(_ page: UInt32) -> [UInt8]? {
        guard let snapshot, snapshot.pages.state(ofPage: page).isBacked else { return nil }
        if let cached = bytes[page] { return cached }
        do {
            let fetched = try snapshot.contents?[page] ?? backend.source.pageBytes(page)
            guard fetched.count == Int(snapshot.geometry.pageSize) else {
                readFailures[page] = "the source gave \(fetched.count) bytes for page \(page)"
                return nil
            }
            bytes[page] = fetched
            return fetched
        } catch ReadError.unavailable(_, let reason) {
            readFailures[page] = reason
            return nil
        } catch {
            readFailures[page] = String(describing: error)
            return nil
        }
    }

    /// Why the bytes of a backed page could not be had in this sample.
    func unreadable(_ page: UInt32) -> String? { readFailures[page] }

    func reader() -> ArenaReader? {
        guard let snapshot else { return nil }
        return ArenaReader(snapshot: snapshot) { [unowned self] page in
            guard let bytes = pageBytes(page) else {
                throw ReadError.unavailable(page: page, reason: readFailures[page] ?? "not readable")
            }
            return bytes
        }
    }

    // MARK: chain

    struct ChainKey: Equatable {
        let node: UInt64, offset: UInt64, pointer32: Bool, sample: Int
    }

    struct ReadErrorMessage: Error { let text: String }

    /// The chain from `chainNode` following the pointer at `chainOffset`.
    func chain() -> Result<ChaseResult, ReadErrorMessage>? {
        guard var reader = reader(), let decoder else { return nil }
        let key = ChainKey(node: chainNode, offset: chainOffset, pointer32: pointer32, sample: backend.sampleCount)
        if let chainCache, chainCache.key == key { return chainCache.result }
        let result: Result<ChaseResult, ReadErrorMessage>
        do {
            result = .success(try reader.chase(from: chainNode, offset: chainOffset, maxHops: 512, decoder: decoder))
        } catch {
            result = .failure(ReadErrorMessage(text: String(describing: error)))
        }
        chainCache = (key, result)
        return result
    }

    // MARK: navigation

    /// Moves the hexdump cursor to `address` (and the page map with it).
    func jump(to address: UInt64, remember: Bool) {
        guard let snapshot, let page = snapshot.geometry.page(containing: address) else {
            message = "\(hex(address)) is outside the arena"
            return
        }
        if remember && hexCursor != 0 { history.append(hexCursor) }
        if history.count > 256 { history.removeFirst() }
        hexCursor = address & ~7
        cursorPage = page
        // Show the target near the top, two rows of context above it.
        let pageStart = snapshot.geometry.address(ofPage: page)
        hexTop = max(pageStart, (hexCursor & ~0xF) >= pageStart + 32 ? (hexCursor & ~0xF) - 32 : pageStart)
    }

    func runs() -> [PageRun] {
        guard let snapshot else { return [] }
        let key = backend.sampleCount * 2 + (sortBySize ? 1 : 0)
        if key != sortedFor {
            sortedRuns = sortBySize ? snapshot.pages.runs.sorted { ($0.count, $1.first) > ($1.count, $0.first) } : snapshot.pages.runs
            sortedFor = key
        }
        return sortedRuns
    }
}

extension InspectorApp: TerminalApp {
    public var secondsUntilWork: Double { backend.timeUntilNextSample }
}
