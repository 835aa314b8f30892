import Foundation
import Testing
import ArenaTypes
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
            _ = worker.poll(backend: fixture.backend, catalog: fixture.app.catalog)
            usleep(2_000)
        }
        let map = try #require(worker.map)
        #expect(!map.badPointers.contains { $0.address == stale.address }, "the rewritten field is not reported bad")
        #expect(!map.torn)
        #expect(map.badPointers.count == walked.badPointers.count - 1, "the others still are")
    }
}
