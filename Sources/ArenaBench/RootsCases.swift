import ArenaModel
import ArenaLive
import Foundation

let rootsCases: [BenchmarkCase] = [
    BenchmarkCase(name: "live roots and one-shot commands (issue 13)") {
        try whereBPFIsAllowed {
            // An arena with 50 __arena globals used by 3 programs (bpf/roots_bench.bpf.c).
            let program = try RootsProgram(manyGlobals: true)
            let id = try program.arenaID
            let sampler = try ArenaSampler()
            guard let record = try sampler.records().first(where: { $0.id == id }) else { throw LiveError.noSuchMap(id: id) }
            var found = 0
            let roots = medianSeconds(repeats: 11) { found = LiveRoots(arenaID: id).roots(record).count }
            precondition(found == 50, "found \(found) roots of 50")

            // The whole process: `snapshot --map-id N --json` on a 256-page live arena.
            let workload = try LiveWorkload()
            let narrow = try workload.narrowArenaID
            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("arenascope").path
            var oneShot: [Double] = []
            for _ in 0..<7 {
                oneShot.append(
                    secondsTaken {
                        let status = (try? spawnAndWait(binary, ["snapshot", "--map-id", String(narrow), "--json"]))?.status ?? -1
                        precondition(status == 0, "snapshot exited \(status)")
                    })
            }
            return [
                Figure(
                    name: "find the roots of an arena used by 3 programs with 50 globals", value: roots * 1000, unit: "ms", target: 20, higherIsBetter: false),
                Figure(
                    name: "one-shot snapshot --json of a 256-page live arena, whole process", value: median(oneShot) * 1000, unit: "ms", target: 100,
                    higherIsBetter: false),
            ]
        }
    }
]
