import ArgumentParser
import ArenaModel
import ArenaEmulator
import Foundation

/// `arenascope demo`: an emulated arena that keeps changing, watched sample by sample.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch an emulated arena change (headless: a page map, then one line a sample).")

    @Option(help: ArgumentHelp("Workload to run (see 'arenascope workloads').", valueName: "workload"))
    var workload = "churn"
    @Option(help: "Seed of the workload.")
    var seed: UInt64 = 1
    @Option(help: "Workload steps between samples.")
    var stepsPerSample: UInt64 = 25
    @Option(help: "Milliseconds between samples.")
    var interval: UInt32 = 100
    @Option(help: "Samples to take before stopping.")
    var samples: Int = 30

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard interval <= 60_000 else { throw ValidationError("--interval must be at most 60000 ms") }
    }

    func run() throws {
        let source = try EmulatedSource(workload: workload, seed: seed)
        var previous = source.sample()
        print(SnapshotText.summary(previous))
        print(PageMapText.render(previous.pages, columns: 64, rows: 16))
        for _ in 0..<samples {
            Thread.sleep(forTimeInterval: Double(interval) / 1000)
            source.advance(stepsPerSample)
            let snapshot = source.sample()
            let diff = SnapshotDiff(from: previous, to: snapshot)
            let stats = snapshot.stats
            print("step \(String(source.steps).leftPadded(to: 6))  free \(stats.free)  allocated \(stats.allocated)  mapped \(stats.mapped)  reserved \(stats.reserved)  ranges \(stats.freeRanges)  largest \(stats.largestFree)  frag \(percent(stats.fragmentation))  changed \(diff.changedPageCount) pages, freed \(diff.freed.count) ranges")
            previous = snapshot
        }
        print(PageMapText.render(previous.pages, columns: 64, rows: 16))
    }
}

/// A plain-text page map: one character a cell, `.` free, `#` allocated, `M` mapped,
/// `r` reserved, lower-case `a`/`m` where a cell mixes free and claimed pages.
enum PageMapText {
    static func render(_ map: PageMap, columns: Int, rows: Int) -> String {
        let cells = columns * rows
        let perCell = max(1, (map.pageCount + UInt32(cells) - 1) / UInt32(cells))
        let bins = map.bins(from: 0, pagesPerBin: perCell, count: cells)
        var lines = ["page map: \(perCell) page\(perCell == 1 ? "" : "s") a cell  (. free  # allocated  M mapped  r reserved  a/m partly)"]
        for row in 0..<rows {
            let first = UInt32(row * columns) * perCell
            guard first < map.pageCount else { break }
            var line = String(first).leftPadded(to: 8) + " "
            for bin in bins[row * columns..<(row + 1) * columns] where bin.total > 0 {
                line.append(symbol(bin))
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    private static func symbol(_ bin: PageBin) -> Character {
        let partly = bin.free > 0 && bin.isMixed
        switch bin.dominant == .free && bin.isMixed ? (bin.mapped > 0 ? .mapped : bin.allocated > 0 ? .allocated : .reserved) : bin.dominant {
        case .free: return "."
        case .allocated: return partly ? "a" : "#"
        case .mapped: return partly ? "m" : "M"
        case .reserved: return "r"
        }
    }
}
