import ArenaModel
import ArenaRecording
import ArenaScreen
import ArenaText
import ArenaTypes

/// The inspector with no terminal in sight: events go in, a cell grid comes out. The
/// terminal front end and the tests drive it the same way. It keeps what the panes share
/// (the sampling backend, the cursor, page bytes, types, focus, overlays); each pane keeps
/// its own state (see `Pane`).
public final class InspectorApp {
    public let backend: SamplingBackend
    /// Moving along a recording, when the source is one.
    let playback: Playback?
    /// Starts and stops recordings for `r`; nil where recording is not offered.
    public var recording: SessionRecording? {
        didSet { if let recording, recording !== oldValue { backend.addObserver(recording) } }
    }
    /// The pane that keys act on (`focus(_:)` moves it).
    public private(set) var focus: PaneID = .pageMap
    public internal(set) var width: Int
    public internal(set) var height: Int
    var overlay: Overlay?
    /// A line for the status bar until the next key (`say`).
    private(set) var message: String?
    /// Where the user is. Only the methods under "the cursor" below change it: panes ask them.
    private(set) var navigation = Navigation()
    /// Where `/` found its pattern last, so that searching again goes on after it.
    var lastSearchMatch: UInt64?
    /// What page reads may do now: `prepare` and `render` never reach the source (`Phase`).
    private var phase = Phase.acting
    /// The pages the panes asked for in this round of `prepare` and had not been read.
    private var wanted: Set<UInt32> = []
    var types = TypeMemory()
    var recentFrees = RecentFrees()
    let panes = Panes()

    enum Overlay: Equatable {
        /// The help, scrolled to `top`.
        case help(top: Int)
        case prompt(Prompt, String)
    }

    public init(backend: SamplingBackend, width: Int, height: Int) {
        self.backend = backend
        self.width = width
        self.height = height
        playback = backend.source.timeline.map { Playback(timeline: $0, backend: backend) }
        if let snapshot = backend.latest { focusOnFirstStructure(snapshot) }
        prepare()
    }

    var snapshot: Snapshot? { backend.latest }

    var layout: Layout { Layout(width: width, height: height, focus: focus, barRows: playback == nil ? 1 : 2) }

    /// The rectangle of the pane at `id`, when it is shown.
    func rect(of id: PaneID) -> Rect? { layout.rect(id) }

    var decoder: PointerDecoder? {
        snapshot.map { PointerDecoder(geometry: $0.geometry, acceptsLow32: navigation.pointer32 ? true : nil) }
    }

    // MARK: sampling

    /// Takes the sample the backend says is due; returns true when the screen should change.
    public func tick() -> Bool {
        let walked = panes.list == .objects && panes.objects.worker.poll(backend: backend, catalog: catalog)
        guard let outcome = backend.tick() else {
            if walked { prepare() }
            return walked
        }
        absorb(outcome)
        return true
    }

    /// Folds a sampling outcome into the view state.
    public func absorb(_ outcome: SampleOutcome) {
        guard case .sampled(let snapshot) = outcome else { return }
        if playback?.pauseAtEnd() == true { say("end of the recording") }
        if let diff = backend.lastDiff { recentFrees.add(diff.freed) }
        if navigation.address == 0 { focusOnFirstStructure(snapshot) }
        navigation.select(page: min(navigation.page, snapshot.geometry.maxPages - 1))
        prepare()
    }

    private func focusOnFirstStructure(_ snapshot: Snapshot) {
        if let root = snapshot.roots.first(where: { $0.address != 0 }) {
            jump(to: root.address, remember: false)
            navigation.chain(from: root.address, offset: root.nextOffset)
        } else if let firstBacked = snapshot.pages.runs.first(where: { $0.state.isBacked }) {
            jump(to: snapshot.geometry.address(ofPage: firstBacked.first), remember: false)
            navigation.chain(from: navigation.address, offset: 0)
        } else {
            navigation.move(to: snapshot.geometry.userVMStart, page: 0, remember: false)
            navigation.chain(from: navigation.address, offset: 0)
        }
    }

    // MARK: what panes share

    /// When page bytes are read. Keys act on what they find (`acting`: a page not read yet in
    /// this sample is read then); `prepare` lays the panes out in rounds, a page not read yet
    /// being noted as wanted and read between rounds (`collecting`); `render` draws what was read.
    private enum Phase { case acting, collecting, drawing }

    /// The bytes of `page` in this sample, read through `backend.reads` (once a sample,
    /// shared with the recorder and the object walk); nil when the page is not backed, could
    /// not be read (`readFailure` says why), or is wanted by the layout round and read after it.
    func bytes(of page: UInt32) -> [UInt8]? {
        guard let snapshot, snapshot.pages.state(ofPage: page).isBacked else { return nil }
        let reads = backend.reads
        if phase == .collecting { reads.compareNextSample(CollectionOfOne(page)) }
        if let bytes = reads.cached(page) { return bytes }
        switch phase {
        case .acting: return try? reads.pageBytes(page)
        case .collecting: if reads.failure(page) == nil { wanted.insert(page) }
        case .drawing: break
        }
        return nil
    }

    /// Why `page`, backed, has no bytes in this sample.
    func readFailure(_ page: UInt32) -> String {
        switch backend.reads.failure(page) {
        case ReadError.unavailable(_, let reason)?: reason
        case let failure?: String(describing: failure)
        case nil: "it could not be read"
        }
    }

    /// The bytes of `page` in the sample before, when they were shown then.
    func previousBytes(of page: UInt32) -> [UInt8]? { backend.reads.previous[page] }

    /// A reader of this sample's bytes (`bytes(of:)`): never asks for an unbacked page.
    func reader() -> ArenaReader? {
        guard let snapshot else { return nil }
        return ArenaReader(snapshot: snapshot) { [unowned self] page in
            guard let bytes = bytes(of: page) else {
                throw ReadError.unavailable(page: page, reason: wanted.contains(page) ? "not read yet" : readFailure(page))
            }
            return bytes
        }
    }

    /// A count that moves whenever this sample's bytes grow: what panes key their work on.
    var bytesVersion: BytesVersion { BytesVersion(sample: backend.sampleCount, pagesAsked: backend.reads.pagesAsked) }

    struct BytesVersion: Hashable {
        let sample: Int, pagesAsked: Int
    }

    /// The source's types.
    var catalog: TypeCatalog { types.catalog(of: backend.source) }

    /// The object map while the objects pane is shown: the page map and the hexdump mark
    /// unreached pages and bad pointers from it.
    var shownObjectMap: ObjectMap? { panes.list == .objects ? panes.objects.worker.map : nil }

    // MARK: the cursor: only these change it

    /// Moves the cursor to `address` (and the page map with it), showing it near the top of
    /// the hexdump; outside the arena it says so and stays.
    func jump(to address: UInt64, remember: Bool) {
        guard let geometry = snapshot?.geometry, let page = geometry.page(containing: address) else {
            say("\(hex(address)) is outside the arena")
            return
        }
        navigation.move(to: address, page: page, remember: remember)
        panes.hexdump.reveal(navigation.address, pageStart: geometry.address(ofPage: page))
    }

    /// Enter on a page or a range: the hexdump at `address` (remembered), the chain from it.
    func go(to address: UInt64) {
        jump(to: address, remember: true)
        navigation.chain(from: navigation.address, offset: 0)
        focus(.hexdump)
    }

    /// Moves the hexdump's cursor word to `address`, kept inside the arena, and the page map
    /// with it; a step, not a jump: nothing is remembered.
    func step(to address: Int64) {
        guard let geometry = snapshot?.geometry else { return }
        let kept = UInt64(max(Int64(geometry.userVMStart), min(Int64(geometry.userVMEnd) - 8, address)))
        navigation.move(to: kept, page: geometry.page(containing: kept) ?? navigation.page, remember: false)
    }

    /// Selects `page` in the page map alone (the hexdump stays until Enter).
    func select(page: UInt32) {
        guard let geometry = snapshot?.geometry else { return }
        navigation.select(page: min(page, geometry.maxPages - 1))
    }

    /// The chain from `node` through the pointer at `offset` (named `field` when chosen by field).
    func chain(from node: UInt64, offset: UInt64, field: String? = nil) {
        navigation.chain(from: node, offset: offset, field: field)
    }

    /// Backspace: back to the address left last.
    func goBack() {
        guard let previous = navigation.takeLastLeft() else {
            say("nothing to go back to")
            return
        }
        jump(to: previous, remember: false)
        if types.remembered[navigation.address] != nil, panes.showsFields { panes.fields.show(navigation.address) }
    }

    /// `o`: the next root, opened typed.
    func openNextRoot() {
        guard let roots = snapshot?.roots.filter({ $0.address != 0 }), !roots.isEmpty else {
            say("this source names no structure roots")
            return
        }
        open(roots[navigation.nextRoot(of: roots.count)], remember: false)
    }

    /// `O`: the next list in the ranges' place (ranges, roots, objects), focused to be moved in.
    func showNextList() {
        panes.nextList()
        focus(.ranges)
    }

    /// `w`: 32-bit words read as pointers too, or not.
    func togglePointerWidth() { navigation.pointer32.toggle() }

    /// Moves the focus to the pane at `id`.
    func focus(_ id: PaneID) { focus = id }

    /// A line for the status bar until the next key; nil clears it.
    func say(_ text: String?) { message = text }

    /// Shows the value at `address` as `ref` in the fields pane, and remembers the choice.
    func show(_ ref: TypeRef, at address: UInt64) {
        types.remember(ref, at: address)
        panes.fields.show(address)
        panes.showsFields = true
        focus(.chase)
    }

    /// Goes to `root`: the hexdump at its address, the chain from it, and the fields pane
    /// showing it as its type when it has one the source's BTF knows with a size. `remember`
    /// false leaves nothing to come back to (`o` going round the roots is not a path followed).
    func open(_ root: StructureRoot, remember: Bool = true) {
        jump(to: root.address, remember: remember)
        navigation.chain(from: root.address, offset: root.nextOffset)
        let entry = root.type.flatMap { try? catalog.lookup($0) }
        if let entry, entry.size > 0, snapshot?.geometry.page(containing: root.address) != nil {
            show(entry.ref, at: root.address)
            say("root \(root.name): \(entry.name) at \(hex(root.address))")
        } else {
            focus(.hexdump)
            say(
                "root \(root.name) at \(hex(root.address))"
                    + (root.type.map { entry == nil ? " (\($0): not in the BTF known; --btf FILE adds types)" : " (\($0))" } ?? ", untyped"))
        }
    }

    /// The chain, not the fields, in the lower pane, from its first node.
    func showChain() {
        panes.showsFields = false
        panes.chase.reset()
    }

    /// `f`: the fields of the typed value or the chain.
    func toggleFields() {
        guard types.remembered[panes.fields.address] != nil else {
            say("no typed value yet: v views the cursor as a type")
            return
        }
        if panes.showsFields {
            showChain()
        } else {
            panes.showsFields = true
            panes.fields.show(panes.fields.address)
        }
    }

    /// `v`: asks for a type, offering the one remembered for the cursor; with the roots or a
    /// typed value's fields focused, for the selected root's or field's type, to save into the shape.
    func beginViewAsType() {
        let catalog = catalog
        guard !catalog.isEmpty else {
            say("no types: the source carries no BTF for its structures")
            return
        }
        if focus == .ranges && panes.list == .roots, let root = panes.roots.selected(in: self) {
            overlay = .prompt(.shapeType(root.name), root.type ?? "")
            return
        }
        if focus == .chase && panes.showsFields, let field = panes.fields.untypedField(in: self) {
            switch field {
            case .success(let field): overlay = .prompt(.shapeType(field), "")
            case .failure(let why): say(why.text)
            }
            return
        }
        overlay = .prompt(.viewAsType, types.remembered[navigation.address].map { catalog.name(of: $0) } ?? "")
    }

    // MARK: drawing

    /// The collect step (btop's collect before draw), after every sample, key and walk: fits
    /// every shown pane to its rectangle and works out what it will show. Panes say what they
    /// need by asking for it (`bytes(of:)`); the pages they wanted are read here, in one bulk
    /// read through `backend.reads`, and the pane is laid out again (a chain reveals its next
    /// page a round) until it wants nothing that can be had. The pages asked for are the ones
    /// the next sample compares with. Layout and `render` never reach the source.
    func prepare() {
        phase = .collecting
        defer { phase = .acting }
        let reads = backend.reads
        for id in PaneID.allCases {
            guard let rect = layout.rect(id) else { continue }
            repeat {
                wanted = []
                panes.pane(id).layout(rect, in: self)
                _ = try? reads.withBytes(ofPages: wanted.sorted()) { _, _ in }
                // After a bulk read that failed as a whole, each page's own read says which could not be had.
                for page in wanted where reads.cached(page) == nil { _ = try? reads.pageBytes(page) }
            } while wanted.contains { reads.cached($0) != nil }
        }
        wanted = []
    }

    /// Draws the whole screen from what `prepare` worked out: every pane, the bars, the help.
    public func render() -> CellGrid {
        phase = .drawing
        defer { phase = .acting }
        var grid = CellGrid(width: width, height: height)
        let layout = layout
        guard !layout.isTooSmall else {
            let text = "arenascope needs a terminal of at least \(Layout.minimum.width)x\(Layout.minimum.height) (this one is \(width)x\(height))"
            var y = 0
            var rest = Substring(text)
            while !rest.isEmpty && y < height {
                grid.put(String(rest.prefix(max(1, width))), x: 0, y: y, role: .error)
                rest = rest.dropFirst(max(1, width))
                y += 1
            }
            return grid
        }
        for id in PaneID.allCases {
            if let rect = layout.rect(id) { panes.pane(id).render(rect, in: self, focused: focus == id, into: &grid) }
        }
        StatusBar.render(self, row: layout.statusRow, &grid)
        if let row = layout.timelineRow, let playback { TimelineBar.render(playback, row: row, &grid) }
        if case .help(let top) = overlay { HelpOverlay.render(width: width, height: height - 1, top: top, &grid) }
        return grid
    }
}

/// The panes, one for each place of the layout; the chase pane's place shows the fields
/// of a typed value instead while `showsFields`; the ranges' place shows the list `list` names.
final class Panes {
    let pageMap = PageMapPane()
    let ranges = RangesPane()
    let hexdump = HexdumpPane()
    let chase = ChasePane()
    let fields = FieldsPane()
    let roots = RootsPane()
    let objects = ObjectsPane()
    var showsFields = false
    /// What the ranges' place shows: the allocator's ranges, the roots or the object map.
    enum List { case ranges, roots, objects }
    private(set) var list = List.ranges

    func show(_ list: List) { self.list = list }

    /// `O`: ranges, roots, objects in turn.
    func nextList() {
        list =
            switch list {
            case .ranges: .roots
            case .roots: .objects
            case .objects: .ranges
            }
    }

    /// The bindings of the place at `id`, as the pane that owns the place declares them.
    static func bindings(of id: PaneID) -> [KeyBinding] {
        switch id {
        case .pageMap: PageMapPane.bindings
        case .ranges: RangesPane.bindings
        case .hexdump: HexdumpPane.bindings
        case .chase: ChasePane.bindings
        }
    }

    func pane(_ id: PaneID) -> Pane {
        switch id {
        case .pageMap: pageMap
        case .ranges:
            switch list {
            case .ranges: ranges
            case .roots: roots
            case .objects: objects
            }
        case .hexdump: hexdump
        case .chase: showsFields ? fields : chase
        }
    }
}

extension InspectorApp: TerminalApp {
    public var secondsUntilWork: Double { backend.timeUntilNextSample }
}
