import ArgumentParser
import ArenaModel
import ArenaEmulator
import ArenaLive
import ArenaUI
import Foundation
import ArenaText

/// `arenascope demo`: an arena that keeps changing, watched sample by sample.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch an arena change: an emulated one, or with --live a real kernel arena (root).",
        discussion: """
            In a terminal this opens the inspector. With --headless, or when output is not a terminal, \
            it prints the arena, then one line a sample, then the page map again.
            """)

    static let defaultWorkload = "churn"

    @Option(help: ArgumentHelp("Emulated workload to run (see 'arenascope workloads').", valueName: "workload"))
    var workload = defaultWorkload
    @Flag(help: "Create a real arena driven by BPF programs instead (needs root: CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN).")
    var live = false
    @Option(help: "Seed of the emulated workload.")
    var seed: UInt64 = 1
    @Flag(help: "Print text instead of opening the inspector.")
    var headless = false
    @Option(help: "Samples to take before stopping (headless).")
    var samples: Int = 30
    @OptionGroup var view: ViewOptions

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
    }

    private var interactive: Bool { !headless && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    func run() throws {
        let theme = try view.loadTheme()
        let backend: SamplingBackend
        if live {
            let demo: LiveDemo
            do {
                demo = try LiveDemo()
            } catch {
                guard case .notPermitted = error else { throw error }
                throw CLIError(error.description + "; 'arenascope demo' runs the emulated demo without privileges", status: .noPermission)
            }
            backend = view.backend(for: demo.source)
            backend.driver = demo.step
        } else {
            backend = view.backend(for: try EmulatedSource(workload: workload, seed: seed))
        }
        if interactive {
            try view.run(backend: backend, theme: theme)
        } else {
            try HeadlessWatch(backend: backend).run(samples: samples)
        }
    }
}

/// Prints what a sampling backend sees: the arena, one line a sample, the page map.
struct HeadlessWatch {
    let backend: SamplingBackend

    func run(samples: Int) throws {
        let first = backend.sampleNow()
        guard case .sampled(let snapshot) = first else { throw CLIError(describe(first), status: .unavailable) }
        print(SnapshotText.summary(snapshot))
        print(PageMapText.render(snapshot.pages, columns: 64, rows: 16))
        var taken = 0
        while taken < samples {
            let wait = backend.timeUntilNextSample
            if wait.isInfinite { break }
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
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
            return "sample \(String(backend.sampleCount).leftPadded(to: 4))  \(latency.leftPadded(to: 6)) µs  free \(stats.free)  allocated \(stats.allocated)  mapped \(stats.mapped)  reserved \(stats.reserved)  ranges \(stats.freeRanges)  largest \(stats.largestFree)  frag \(percentText(stats.fragmentation))  changed \(diff?.changedPageCount ?? 0) pages, freed \(diff?.freed.count ?? 0) ranges"
        case .gone(let reason): return "\(reason); the last snapshot is kept"
        case .failed(let reason): return "sample failed: \(reason)"
        }
    }
}

/// A plain-text page map with the inspector's glyphs (`·` free, `#` allocated, `M` mapped,
/// `R` reserved, lower case where a cell is partly free).
enum PageMapText {
    static func render(_ map: PageMap, columns: Int, rows: Int) -> String {
        let cells = columns * rows
        let perCell = max(1, (map.pageCount + UInt32(cells) - 1) / UInt32(cells))
        let bins = map.bins(from: 0, pagesPerBin: perCell, count: cells)
        var lines = ["page map: \(perCell) page\(perCell == 1 ? "" : "s") a cell  (· free  # allocated  M mapped  R reserved  a/m/r partly)"]
        for row in 0..<rows {
            let first = UInt32(row * columns) * perCell
            guard first < map.pageCount else { break }
            var line = String(first).leftPadded(to: 8) + " "
            for bin in bins[row * columns..<(row + 1) * columns] where bin.total > 0 {
                line.unicodeScalars.append(PageGlyph.glyph(bin, freedAge: nil).0)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
