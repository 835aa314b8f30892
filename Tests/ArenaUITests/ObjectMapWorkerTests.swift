import Foundation
import Testing
import ArenaTypes
import ArenaText
import ArenaEmulator
@testable import ArenaUI

/// The inspector's walk runs off the key path on a copy of the pages, and gets the same second
/// look at its bad pointers as `arenascope objects`, `refs` and `export`.
@Suite struct ObjectMapWorkerTests {
    /// A bad pointer the program rewrites while the worker walks its copy is not shown: the
    /// second look finds it changed and the walk is taken again, as `arenascope objects` does.
    @Test func aBadPointerRewrittenDuringTheWalkIsNotShown() throws {
        let fixture = try Fixture(workload: "leaky", steps: 320)
        let snapshot = try #require(fixture.backend.latest)
        let walked = try ObjectWalk.walk(fixture.source, catalog: fixture.app.catalog, snapshot: snapshot, options: ObjectTraversal.Options())
        let stale = try #require(walked.badPointers.first { $0.path.hasSuffix("stale") })
        let worker = ObjectMapWorker(clock: { 0 })
        #expect(worker.poll(backend: fixture.backend, catalog: fixture.app.catalog) && worker.walking != nil, "the walk starts from its copy")
        fixture.source.arena.bpfStore(stale.address, 0)
        let deadline = Date().addingTimeInterval(5)
        while worker.map == nil && Date() < deadline {
            if !worker.poll(backend: fixture.backend, catalog: fixture.app.catalog) { fixture.backend.sampleNow(runningDriver: false) }
            usleep(2_000)
        }
        let map = try #require(worker.map)
        #expect(!map.badPointers.contains { $0.address == stale.address }, "the rewritten field is not reported bad")
        #expect(!map.torn)
        #expect(map.badPointers.count == walked.badPointers.count - 1, "the others still are")
    }

    /// The objects pane says what the allocator's bookkeeping says: live counts beside the
    /// reachable ones, and its leaks, stale pointers and broken checks, each one Enter away.
    @Test func thePaneShowsLivenessAndGoesToALeak() throws {
        let fixture = try Fixture(workload: "slab", steps: 800, width: 140, height: 48)
        let workload = try #require(fixture.source.workload as? SlabWorkload)
        fixture.press(.tab, .character("O"), .character("O"))
        TypedViewTests.tick(fixture) { fixture.screen.text.contains(" types · ") }
        let screen = fixture.screen
        let data = try #require(screen.lines.first { $0.contains("struct sdt_data") && !$0.contains("→") })
        #expect(data.contains(" \(workload.liveSlots)"), "the live count beside the reachable: \(data)")
        #expect(screen.text.contains("allocator slab of struct sdt_desc from sdt_state.root: \(workload.liveSlots)"))
        #expect(screen.text.contains("stale     tasks.last_exited = "))
        let leak = try #require(workload.leakedSlots.first)
        let row = try #require(screen.lines.firstIndex { $0.contains("leak      struct sdt_data at \(hex(leak))") }, "\(screen.text)")
        let first = try #require(screen.lines.firstIndex { $0.contains("struct sdt_data") && !$0.contains("→") })
        for _ in first..<row { fixture.press(.down) }
        fixture.press(.enter)
        #expect(fixture.screen.fieldsTitle?.hasPrefix("struct sdt_data at \(hex(leak))") == true, "Enter opens the leaked object typed")
    }

    /// The page-fragment allocator's counts in the pane too.
    @Test func thePaneShowsThePageFragmentCounts() throws {
        let fixture = try Fixture(workload: "frag", steps: 2000, width: 140, height: 48)
        let workload = try #require(fixture.source.workload as? FragWorkload)
        fixture.press(.tab, .character("O"), .character("O"))
        TypedViewTests.tick(fixture) { fixture.screen.text.contains(" types · ") }
        #expect(fixture.screen.text.contains("page fragments: counts say \(workload.liveObjects) live on"), "\(fixture.screen.text)")
        #expect(!fixture.screen.text.contains("fragments page "), "no page disagrees")
    }
}
