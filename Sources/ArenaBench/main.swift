// arenascope-bench: measures each figure the issues set and prints it beside its target.
// Usage: arenascope-bench [substring of case names...]
let filters = CommandLine.arguments.dropFirst().map { $0.lowercased() }
// The liveness case comes last: its 1M-slot arena raises this process's resident memory, which a
// child spawned after it starts with (ru_maxrss), and the crafted recordings' cases measure
// their children's peak.
let cases = (foundationCases + liveCases + rootsCases + objectCases + interfaceCases + recordingCases + exportCases + livenessCases).filter { benchmark in
    filters.isEmpty || filters.contains { benchmark.name.lowercased().contains($0) }
}
var missed = 0
for benchmark in cases {
    print("## \(benchmark.name)")
    do {
        for figure in try benchmark.run() {
            print(figure.line)
            if !figure.meetsTarget { missed += 1 }
        }
    } catch {
        print("   failed: \(error)")
        missed += 1
    }
}
print(missed == 0 ? "all figures meet their targets" : "\(missed) figure(s) missed their targets")
