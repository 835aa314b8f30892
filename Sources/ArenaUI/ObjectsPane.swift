import ArenaModel
import ArenaScreen
import ArenaText
import ArenaTypes

/// The object map (`O` from the roots): the objects the roots reach, by type, most bytes
/// first, then the bad pointers. Enter on a type lists its objects, Enter on one opens it
/// typed; Enter on a bad pointer goes to the field; `R` lists who points at the cursor, Enter
/// on one goes to that pointer; ← goes back to the types. The walk runs on a worker
/// (`ObjectMapWorker`) and the pane shows its progress.
final class ObjectsPane: Pane {
    let worker = ObjectMapWorker()
    private(set) var list = ListCursor()
    /// The type whose objects are listed, with the selection among the types to go back to.
    private(set) var opened: (type: String, typeSelection: Int)?
    /// The referrers of `worker.referencesTo` are listed (`R`).
    private(set) var showsReferences = false

    /// The rows of the list shown: the types and bad pointers, or one type's objects.
    private enum Row {
        case type(ObjectMap.TypeCount)
        case bad(ObjectMap.BadPointer)
        case instance(Int, UInt64)
        case reference(ObjectMap.Reference)
        /// What the walk inferred or where it stopped (`ObjectMap.findings`), what an allocator's bookkeeping says.
        case finding(label: String, text: String)
        /// A live slot only its allocator points to, a pointer to a free slot, a live object breaking a check.
        case leak(address: UInt64, type: String)
        case stale(ObjectMap.Reference, type: String)
        case violation(SlabAllocator.Report.Violation, type: String)
        /// A page whose page-fragment count disagrees with the objects reached on it.
        case fragmentPage(FragmentAllocator.Finding)
    }

    /// `R`: who points at `address`, answered by the next walk.
    func askWhoPointsAt(_ address: UInt64, in app: InspectorApp) {
        worker.collectReferences(to: address)
        showsReferences = true
        opened = nil
        list.reset()
        app.panes.show(.objects)
        app.say("who points at \(hex(address)): the next walk answers")
    }

    private func rows(_ map: ObjectMap?) -> [Row] {
        guard let map else { return [] }
        if showsReferences {
            return worker.referencesAnswered ? map.references.map(Row.reference) : []
        }
        if let opened {
            return (map.instances[opened.type] ?? []).enumerated().map { Row.instance($0.offset, $0.element) }
        }
        let untyped = map.untypedPages > 0 ? [Row.finding(label: "untyped", text: "\(map.untypedPages) pages reached only through untyped pointers")] : []
        let allocators = worker.allocators.flatMap { report -> [Row] in
            let summary = Row.finding(
                label: "allocator", text: "slab of \(report.descriptorType) from \(report.root): \(report.live.count) live, \(report.free.count) free")
            return [summary] + report.contradictions.map { Row.finding(label: "allocator", text: "contradicts itself: " + $0) }
                + report.violations.map { Row.violation($0, type: report.dataType) } + report.stale.map { Row.stale($0, type: report.dataType) }
                + report.leaks.map { Row.leak(address: $0, type: report.dataType) }
        }
        let fragments =
            worker.fragments.map { report in
                [Row.finding(label: "allocator", text: "page fragments: counts say \(report.live) live on \(report.pages) pages, \(report.reached) reached")]
                    + report.findings.map(Row.fragmentPage)
            } ?? []
        return map.types.map(Row.type) + map.findings.map(Row.finding) + untyped + allocators + fragments + map.badPointers.map(Row.bad)
    }

    /// The column header above the list.
    func layout(_ rect: Rect, in app: InspectorApp) {
        list.fit(count: rows(worker.map).count, rows: rect.inner.height - 1)
    }

    func perform(_ command: Command, in app: InspectorApp) {
        if command == .moveLeft, showsReferences {
            showsReferences = false
            worker.collectReferences(to: nil)
            list.reset()
            return
        }
        if command == .moveLeft, let opened {
            self.opened = nil
            list.fit(count: rows(worker.map).count, rows: list.rows)
            list.select(opened.typeSelection)
            return
        }
        if list.move(command) { return }
        switch command {
        case .activate:
            let rows = rows(worker.map)
            guard list.selection < rows.count else { return }
            switch rows[list.selection] {
            case .type(let type):
                opened = (type.type, list.selection)
                list.reset()
            case .bad(let pointer):
                Self.goToField(at: pointer.address, saying: "\(pointer.path) = \(hex(pointer.value)) → \(pointer.target)", in: app)
            case .instance(let index, let address):
                guard let type = opened?.type else { return }
                app.open(StructureRoot(name: "\(type) #\(index)", address: address, type: type, origin: "objects"))
            case .reference(let reference):
                // A root a map holds has no arena field to show: its value instead.
                Self.goToField(at: reference.address ?? reference.value, saying: "\(reference.path) = \(hex(reference.value))", in: app)
            case .finding(_, let text):
                app.say(text)
            case .leak(let address, let type):
                app.open(StructureRoot(name: "leaked \(type)", address: address, type: type, origin: "objects"))
            case .stale(let reference, let type):
                Self.goToField(at: reference.address ?? reference.value, saying: "\(reference.path) = \(hex(reference.value)) → a free \(type) slot", in: app)
            case .violation(let violation, let type):
                app.open(StructureRoot(name: "\(type) breaking its check", address: violation.address, type: type, origin: "objects"))
                app.say("\(violation.field) is \(violation.found), the shape's check wants \(violation.expected)")
            case .fragmentPage(let finding):
                app.go(to: finding.address)
                app.say(finding.text)
            }
        case .nextList: app.showNextList()
        default: break
        }
    }

    /// The hexdump at a pointer field, with what it holds in the status line.
    private static func goToField(at address: UInt64, saying message: String, in app: InspectorApp) {
        app.jump(to: address, remember: true)
        app.focus(.hexdump)
        app.say(message)
    }

    func render(_ rect: Rect, in app: InspectorApp, focused: Bool, into grid: inout CellGrid) {
        let inner = rect.inner
        let map = worker.map
        let walking = worker.walking.map { " · walking: \($0) found" } ?? ""
        let title: String
        if showsReferences, let address = worker.referencesTo {
            title = "Who points at \(hex(address)) · " + (worker.referencesAnswered ? "\(map?.references.count ?? 0) · ← types" : "asking")
        } else if let opened, let map {
            let count = map.types.first { $0.type == opened.type }?.count ?? 0
            title =
                "Objects · \(opened.type) · \(count)\(count > ObjectMapWorker.instancesPerType ? " (first \(ObjectMapWorker.instancesPerType))" : "") · ← types"
        } else if let map {
            let share = map.backedBytes == 0 ? "-" : percentText(Double(map.reachedBytes) / Double(map.backedBytes))
            title = "Objects · \(map.objects)\(map.truncated ? "+" : "") in \(map.types.count) types · \(share) reached · O ranges"
        } else {
            title = "Objects · O ranges"
        }
        grid.box(rect, title: title + walking, focused: focused)
        guard inner.height >= 2 else { return }
        guard let map else {
            let text = worker.failure ?? (worker.walking == nil ? "waiting for a sample" : "walking from the roots…")
            grid.put(text, x: inner.x, y: inner.y, role: worker.failure == nil ? .dim : .error, limit: inner.width)
            return
        }
        let rows = rows(map)
        let live = Dictionary(worker.allocators.map { ($0.dataType, $0.live.count) }, uniquingKeysWith: +)
        // The figures as wide as the largest, the type as wide as the widest, shrunk to leave the figures whole.
        let figureWidth = { (heading: String, figures: [String]) in max(heading.count, figures.map(\.count).max() ?? 0) }
        let countWidth = figureWidth("count", map.types.map { String($0.count) })
        let bytesWidth = figureWidth("bytes", map.types.map { String($0.bytes) })
        let liveWidth = live.isEmpty ? 0 : figureWidth("live", live.values.map(String.init))
        let figures = { (count: String, bytes: String, liveCount: String?) in
            "  " + count.leftPadded(to: countWidth) + "  " + bytes.leftPadded(to: bytesWidth) + (liveCount.map { "  " + $0.leftPadded(to: liveWidth) } ?? "")
        }
        let typeWidth = columnWidths(
            [map.types.map(\.type.count).max() ?? 0], fitting: inner.width - 4 - countWidth - bytesWidth - (live.isEmpty ? 0 : 2 + liveWidth))[0]
        let header =
            showsReferences
            ? "path → where the pointer lies"
            : opened == nil ? "type".column(typeWidth) + figures("count", "bytes", live.isEmpty ? nil : "live") : "#       address"
        let problem = worker.failure ?? map.limit.map { "walk stopped, partial: \($0)" }
        grid.put(problem ?? header, x: inner.x, y: inner.y, role: problem == nil ? .dim : .error, limit: inner.width)
        if rows.isEmpty && showsReferences {
            if worker.referencesAnswered {
                grid.put("nothing reached from the roots points there", x: inner.x, y: inner.y + 1, role: .dim, limit: inner.width)
            }
            return
        }
        if rows.isEmpty {
            grid.put(
                app.snapshot?.roots.isEmpty == false
                    ? "nothing reached: no root has a type the BTF knows (--btf FILE adds types)"
                    : "no roots: nothing to walk from (see O roots)", x: inner.x, y: inner.y + 1, role: .dim, limit: inner.width)
            return
        }
        for (row, index) in list.visible.enumerated() where index < rows.count {
            let (line, role): (String, ColorRole) =
                switch rows[index] {
                case .type(let type):
                    (type.type.column(typeWidth) + figures(String(type.count), String(type.bytes), live[type.type].map(String.init)), .text)
                case .bad(let pointer):
                    ("bad " + pointer.path + " = " + hex(pointer.value) + " → " + pointer.target, .error)
                case .instance(let number, let address):
                    (String(number).rightPadded(to: 8) + hex(address), .text)
                case .reference(let reference):
                    (reference.path + (reference.address.map { " at " + hex($0) } ?? " (a root, in a map)"), .text)
                case .finding(let label, let text):
                    (label.rightPadded(to: 10) + text, .dim)
                case .leak(let address, let type):
                    ("leak      \(type) at \(hex(address)): live, only the allocator points to it", .error)
                case .stale(let reference, let type):
                    ("stale     \(reference.path) = \(hex(reference.value)) → a free \(type) slot", .error)
                case .violation(let violation, let type):
                    ("invariant \(type) at \(hex(violation.address)): \(violation.field) is \(violation.found), wants \(violation.expected)", .error)
                case .fragmentPage(let finding):
                    ("fragments " + finding.text, .error)
                }
            list.draw(line, index: index, x: inner.x, y: inner.y + 1 + row, width: inner.width, role: role, focused: focused, into: &grid)
        }
    }
}
