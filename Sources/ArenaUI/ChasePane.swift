import ArenaModel
import ArenaScreen
import ArenaText

/// The path of followed pointers, and the chain from the chain's node through the pointer
/// at the chosen offset, node by node, with the reason it stops.
final class ChasePane: Pane {
    /// The fields pane shares this place and handles these too.
    static let bindings = [
        KeyBinding([.character("f")], "f", .toggleFields, "fields or chain in the pane", pane: .chase),
        KeyBinding([.character("n")], "n", .chainThroughField, "chain via the selected field", pane: .chase),
    ]
    /// Nodes walked at first, and at most once moving past the end has walked further.
    static let firstHops = 512
    static let mostHops = 1 << 20
    private(set) var maxHops = firstHops
    private(set) var list = ListCursor()
    /// The chain walked for the current sample and chain start, and the first 16 bytes of
    /// the nodes shown: worked out by `layout`, drawn by `render`.
    private var walked: (key: ChainKey, result: Result<ChaseResult, PaneError>)?
    private var previews: (key: PreviewKey?, lines: [Int: String]) = (nil, [:])
    /// A walk of this sample stopped by a page not read yet: the next round walks on from it.
    private var progress: (start: ChainStart, progress: ChaseProgress)?

    /// What the previews were read for: the chain and the rows shown.
    private struct PreviewKey: Equatable {
        let chain: ChainKey, top: Int, rows: Int
    }

    struct ChainKey: Equatable {
        let start: ChainStart, bytes: InspectorApp.BytesVersion
    }

    struct ChainStart: Equatable {
        let node: UInt64, offset: UInt64, pointer32: Bool, sample: Int, maxHops: Int
    }

    /// Starts over at the chain's first node.
    func reset() {
        list.reset()
        maxHops = Self.firstHops
    }

    /// The chain from the navigation's chain start, walked once a sample.
    func chain(_ app: InspectorApp) -> Result<ChaseResult, PaneError>? {
        guard var reader = app.reader(), let decoder = app.decoder else { return nil }
        let navigation = app.navigation
        let start = ChainStart(
            node: navigation.chainNode, offset: navigation.chainOffset, pointer32: navigation.pointer32,
            sample: app.backend.sampleCount, maxHops: maxHops)
        let key = ChainKey(start: start, bytes: app.bytesVersion)
        if let walked, walked.key == key { return walked.result }
        var walk = progress.flatMap { $0.start == start ? $0.progress : nil } ?? ChaseProgress(from: start.node)
        progress = nil
        let result = Result { () throws(PaneError) -> ChaseResult in
            do {
                return try reader.chase(continuing: &walk, offset: start.offset, maxHops: start.maxHops, decoder: decoder)
            } catch {
                progress = (start, walk)
                throw PaneError(String(describing: error))
            }
        }
        walked = (key, result)
        return result
    }

    func layout(_ rect: Rect, in app: InspectorApp) {
        guard case .success(let chain)? = chain(app), let walked else { return }
        list.fit(count: chain.hops.count, rows: rect.inner.height - 2)
        let key = PreviewKey(chain: walked.key, top: list.top, rows: list.rows)
        guard previews.key != key else { return }
        var reader = app.reader()
        var lines: [Int: String] = [:]
        for index in list.visible {
            let bytes = try? reader?.read(chain.hops[index].address, length: 16)
            lines[index] = bytes.map { $0.map(Hexdump.hexByte).joined(separator: " ") } ?? ""
        }
        previews = (key, lines)
    }

    func perform(_ command: Command, in app: InspectorApp) {
        if list.move(command) {
            // Moving past the last node of a chain cut at the limit walks further: End to the end.
            if case .success(let chain)? = walked?.result, chain.stop == .max, list.selection >= chain.hops.count - 1 {
                maxHops = command == .end ? Self.mostHops : min(Self.mostHops, maxHops * 2)
            }
            return
        }
        switch command {
        case .activate:
            guard case .success(let chain)? = chain(app), !chain.hops.isEmpty else { return }
            app.jump(to: chain.hops[min(list.selection, chain.hops.count - 1)].address, remember: true)
            app.focus(.hexdump)
        case .toggleFields: app.toggleFields()
        case .chainThroughField: app.say("select a pointer field in the field view first (v, then arrows)")
        default: break
        }
    }

    func render(_ rect: Rect, in app: InspectorApp, focused: Bool, into grid: inout CellGrid) {
        let inner = rect.inner
        let navigation = app.navigation
        let via = navigation.chainField.map { "\($0) (+\(navigation.chainOffset))" } ?? "+\(navigation.chainOffset)"
        grid.box(
            rect, title: "\(PaneID.chase.title) · chain from \(hex(navigation.chainNode)) via \(via)\(navigation.pointer32 ? " (32-bit)" : "")",
            focused: focused)
        guard inner.height >= 2 else { return }
        let path = (navigation.history.suffix(6) + [navigation.address]).map { hex($0) }
        var crumb = "path: " + path.joined(separator: " → ")
        if crumb.count > inner.width { crumb = "path: …" + String(crumb.suffix(inner.width - 7)) }
        grid.put(crumb, x: inner.x, y: inner.y, role: .header, limit: inner.width)
        guard let result = walked?.result else { return }
        switch result {
        case .failure(let error):
            grid.put(error.text, x: inner.x, y: inner.y + 1, role: .error, limit: inner.width)
        case .success(let chain):
            for (row, index) in list.visible.enumerated() where index < chain.hops.count {
                let hop = chain.hops[index]
                let line =
                    String(index).leftPadded(to: 4) + "  " + Hexdump.paddedHex(hop.address, width: 12) + "  pg " + String(hop.page).leftPadded(to: 7)
                    + "  → " + Hexdump.paddedHex(hop.value, width: 12) + "  " + (previews.lines[index] ?? "")
                list.draw(line, index: index, x: inner.x, y: inner.y + 1 + row, width: inner.width, role: .text, focused: focused, into: &grid)
            }
            let note = chain.stop == .cycle ? " (a cycle!)" : chain.stop == .max && maxHops < Self.mostHops ? " (↓ past the end or End walks further)" : ""
            let ending = "\(chain.hops.count) node\(chain.hops.count == 1 ? "" : "s"), stop: \(chain.stop.rawValue)\(note)"
            grid.put(
                ending, x: inner.x, y: inner.y + inner.height - 1, role: chain.stop == .cycle || chain.stop == .unbacked ? .error : .dim, limit: inner.width)
        }
    }
}
