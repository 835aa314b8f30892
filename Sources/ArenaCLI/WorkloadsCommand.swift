import ArgumentParser
import ArenaEmulator

/// `arenascope workloads`: the emulated workloads, one line each.
struct WorkloadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workloads", abstract: "List the emulated workloads.")

    @OptionGroup var output: OutputOptions

    func run() {
        if output.json {
            var json = JSONWriter()
            json.beginArray()
            for workload in WorkloadCatalog.all {
                json.beginObject()
                json.string(workload.name, "name")
                json.string(workload.summary, "summary")
                json.number(workload.defaultPages, "default_pages")
                json.endObject()
            }
            json.endArray()
            print(json.printed)
        } else {
            let width = WorkloadCatalog.names.map(\.count).max() ?? 0
            for workload in WorkloadCatalog.all {
                print(workload.name.rightPadded(to: width + 2) + workload.summary)
            }
        }
    }
}
