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
                        let status = spawnAndWait(binary, ["snapshot", "--map-id", String(narrow), "--json"])
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

/// Runs `path` with `arguments`, output to /dev/null, and waits: its exit status.
func spawnAndWait(_ path: String, _ arguments: [String]) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return -1 }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return (status >> 8) & 0xFF
}
