import Testing
import ArenaModel
@testable import ArenaLive

@Suite struct SmokeTests {
    @Test func workloadLoads() throws {
        let workload = try LiveWorkload()
        let id = try workload.arenaID
        let head = try workload.buildList(count: 100)
        print("head", String(head, radix: 16))
        let sampler = try ArenaSampler()
        let pass = try sampler.run(target: id)
        print("pass", pass.records, pass.freeRanges, pass.reservedRuns)
    }
}
