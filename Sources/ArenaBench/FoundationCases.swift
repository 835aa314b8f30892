import ArenaModel
import ArenaEmulator
import ArenaCLI

/// Builds a 1,048,576-page emulated arena whose free space is split into `ranges` ranges.
func fragmentedArena(ranges: Int) throws -> EmulatedArena {
    let pages: UInt32 = 1 << 20
    let arena = try EmulatedArena(maxPages: pages)
    arena.allocPages(count: pages)
    let stride = Int(pages) / ranges
    for index in 0..<ranges {
        let count = UInt32(1 + index % min(5, stride - 1))
        arena.freePages(arena.geometry.address(ofPage: UInt32(index * stride)), count: count)
    }
    return arena
}

let foundationCases: [BenchmarkCase] = [
    BenchmarkCase(name: "emulator alloc/free (issue 2)") {
        let arena = try fragmentedArena(ranges: 100_000)
        var random = SeededGenerator(seed: 42)
        var live: [(UInt64, UInt32)] = []
        live.reserveCapacity(4096)
        let operations = 2_000_000
        var done = 0
        let start = monotonicSeconds()
        while done < operations {
            if live.count < 2048 && (live.count < 64 || random.chance(50)) {
                let count = UInt32(1 + random.below(5))
                let address = arena.allocPages(count: count)
                if address != 0 { live.append((address, count)) }
            } else {
                let index = random.below(live.count)
                let (address, count) = live[index]
                live[index] = live[live.count - 1]
                live.removeLast()
                arena.freePages(address, count: count)
            }
            done += 1
        }
        let rate = Double(operations) / (monotonicSeconds() - start)
        return [Figure(name: "alloc/free ops on 1M pages, 100k free ranges", value: rate, unit: "ops/s", target: 1_000_000, higherIsBetter: true)]
    },
    BenchmarkCase(name: "snapshot build and JSON (issue 2)") {
        let arena = try fragmentedArena(ranges: 100_000)
        let descriptor = SourceDescriptor(kind: .emulated)
        precondition(arena.freeRanges.count == 100_000)
        // Memory first, before timing runs leave freed pages in the process.
        let before = residentBytes()
        let snapshot = Snapshot(source: descriptor, geometry: arena.geometry, pages: arena.pageMap())
        let json = SnapshotJSON.encode(snapshot)
        let memory = Double(residentBytes() - before) / Double(1 << 20)
        withExtendedLifetime((snapshot, json)) {}
        var bytes = 0
        let seconds = medianSeconds {
            let snapshot = Snapshot(source: descriptor, geometry: arena.geometry, pages: arena.pageMap())
            bytes = SnapshotJSON.encode(snapshot).utf8.count
        }
        return [
            Figure(name: "snapshot 1M pages/100k ranges + JSON (\(bytes >> 20) MiB)", value: seconds * 1000, unit: "ms", target: 100, higherIsBetter: false),
            Figure(name: "snapshot + JSON memory", value: memory, unit: "MiB", target: 32, higherIsBetter: false),
        ]
    },
]
