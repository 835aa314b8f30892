// arenascope-bench: measures each figure the issues set and prints it beside its target.
// Usage: arenascope-bench [substring of case names...]
if CommandLine.arguments.count > 2, CommandLine.arguments[1] == "--measure" { measureAndReport(Array(CommandLine.arguments.dropFirst(2))) }
let filters = CommandLine.arguments.dropFirst().map { $0.lowercased() }
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
