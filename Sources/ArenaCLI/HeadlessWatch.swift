import ArenaModel
import ArenaSignals
import ArenaText
import Foundation

/// Prints what a sampling backend sees: the arena, one line a sample, the page map.
struct HeadlessWatch {
    let backend: SamplingBackend

    func run(samples: Int) throws {
        let first = backend.sampleNow()
        guard case .sampled(let snapshot) = first else { throw CLIError(describe(first), status: .unavailable) }
        print(SnapshotText.summary(snapshot))
        print(PageMapText.render(snapshot.pages, columns: 64, rows: 16))
        // Ctrl-C ends it as the last sample would: the page map is printed once more.
        let interrupt = SignalWatch([SIGINT, SIGTERM])
        var taken = 0
        while taken < samples {
            let wait = backend.timeUntilNextSample
            if wait.isInfinite { break }
            guard sleep(until: monotonicSeconds() + wait, unless: { interrupt.isRaised }) else { break }
            guard let outcome = backend.tick() else { continue }
            taken += 1
            print(describe(outcome))
            if case .gone = outcome { break }
        }
        if let latest = backend.latest { print(PageMapText.render(latest.pages, columns: 64, rows: 16)) }
    }

    private func describe(_ outcome: SampleOutcome) -> String {
        switch outcome {
        case .sampled(let snapshot):
            let stats = snapshot.stats
            let diff = backend.lastDiff
            let latency = String(Int((backend.lastLatency * 1_000_000).rounded()))
            return
                "sample \(String(backend.sampleCount).leftPadded(to: 4))  \(latency.leftPadded(to: 6)) µs  \(stats.countsText)  ranges \(stats.freeRanges)  largest \(stats.largestFree)  frag \(percentText(stats.fragmentation))  changed \(diff?.changedPageCount ?? 0) pages, freed \(diff?.freed.count ?? 0) ranges"
        case .gone(let error): return "\(error); the last snapshot is kept"
        case .failed(let error): return "sample failed: \(error)"
        }
    }
}

/// A plain-text page map with the inspector's glyphs (`·` free, `#` allocated, `M` mapped,
/// `R` reserved, lower case where a cell is partly free).
enum PageMapText {
    /// "· free  # allocated  M mapped  R reserved  a/m/r partly"
    static let legend =
        (PageState.all.map { "\($0.glyph) \($0.name)" }
        + [PageState.all.filter { !$0.isFree }.map { String($0.partlyFreeGlyph) }.joined(separator: "/") + " partly"])
        .joined(separator: "  ")

    static func render(_ map: PageMap, columns: Int, rows: Int) -> String {
        let cells = columns * rows
        let perCell = max(1, (map.pageCount + UInt32(cells) - 1) / UInt32(cells))
        let bins = map.bins(from: 0, pagesPerBin: perCell, count: cells)
        var lines = ["page map: \(perCell) page\(perCell == 1 ? "" : "s") a cell  (\(legend))"]
        for row in 0..<rows {
            let first = UInt32(row * columns) * perCell
            guard first < map.pageCount else { break }
            var line = String(first).leftPadded(to: 8) + " "
            for bin in bins[row * columns..<(row + 1) * columns] where bin.total > 0 {
                guard let (state, partlyFree) = bin.shown else { continue }
                line.unicodeScalars.append(partlyFree ? state.partlyFreeGlyph : state.glyph)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
