import Testing
import ArenaEmulator
import ArenaModel
import ArenaTypes
import EmulatedHost
@testable import ArenaExport

/// The exporter's rules for arenas that come, go and tear, driven on emulated arenas through
/// the same `HealthCollector` the exporter runs on the host's (`LiveHost`).
@Suite struct HealthCollectorTests {
    static func arena(_ workload: String, steps: UInt64) throws -> HostedSource {
        let source = try EmulatedSource(workload: workload)
        source.advance(steps)
        return HostedSource(source, name: workload, programs: ["prog_a", "prog_b", "prog_a"], processes: ["loader"])
    }

    static func backedPages(_ arena: HostedSource) throws -> UInt32 { try arena.source.sample().stats.backedPages }

    @Test func newArenasAreSampledAtOnceAndGoneOnesForgotten() throws {
        let host = EmulatedHost()
        host.listed[7] = try Self.arena("list", steps: 30)
        let collector = HealthCollector(host: host, objects: nil)
        let first = collector.collect()
        #expect(first.map(\.id) == [7])
        #expect(first[0].programs == ["prog_a", "prog_b"], "names once each: the labels stay when a program is reloaded")
        #expect(first[0].stats.backedPages == (try Self.backedPages(host.listed[7]!)))
        host.listed[9] = try Self.arena("hashtab", steps: 30)
        #expect(Set(collector.collect().map(\.id)) == [7, 9], "a new arena is sampled from the pass that first sees it")
        host.listed[7] = nil
        #expect(collector.collect().map(\.id) == [9], "a gone arena's figures go")
        #expect(collector.durations.errors == 0)
    }

    @Test func aTornArenaKeepsItsLastGoodFiguresAndCountsAnError() throws {
        let host = EmulatedHost()
        let arena = try Self.arena("churn", steps: 100)
        host.listed[3] = arena
        let collector = HealthCollector(host: host, objects: nil)
        let good = try #require(collector.collect().first)
        arena.source.advance(500)
        #expect(try Self.backedPages(arena) != good.stats.backedPages, "the arena changed meanwhile")
        arena.tears = true
        let torn = try #require(collector.collect().first)
        #expect(torn.stats.backedPages == good.stats.backedPages, "a torn sample is never exported")
        #expect(collector.durations.errors == 1)
        arena.tears = false
        let fresh = try #require(collector.collect().first)
        #expect(fresh.stats.backedPages == (try Self.backedPages(arena)))
    }

    @Test func objectFiguresComeFromTheWalkAndItsReaderIsDropped() throws {
        let host = EmulatedHost()
        let arena = try Self.arena("leaky", steps: 320)
        host.listed[1] = arena
        let collector = HealthCollector(host: host, objects: ObjectTraversal.Options())
        let objects = try #require(collector.collect().first?.objects)
        let expected = try ObjectWalk.walk(arena, catalog: TypeCatalog(try arena.typeBlobs()), snapshot: try arena.sample(), options: ObjectTraversal.Options())
        #expect(objects.types.map(\.count).reduce(0, +) == expected.objects, "the figures of arenascope objects")
        #expect(objects.badPointers == expected.badPointers.count && objects.badPointers > 0)
        #expect(arena.readersDropped == 1, "the walk lets go of the arena")
    }

    /// The allocator's bookkeeping in the exporter's figures: live objects, leaks, stale
    /// pointers and broken checks, as `objects` finds them.
    @Test func liveObjectsAndObjectLevelFindingsAreExported() throws {
        let host = EmulatedHost()
        let arena = try Self.arena("slab", steps: 800)
        host.listed[5] = arena
        let figures = try #require(HealthCollector(host: host, objects: ObjectTraversal.Options()).collect().first?.objects)
        let workload = try #require((arena.source as? EmulatedSource)?.workload as? SlabWorkload)
        #expect(figures.live.map(\.type) == ["struct sdt_data"] && figures.live.first?.count == workload.liveSlots)
        #expect(figures.objectLeaks == workload.leakedSlots.count && figures.objectLeaks > 0)
        #expect(figures.stalePointers == (workload.lastExited?.isFree == true ? 1 : 0))
        #expect(figures.invariantViolations == workload.brokenSlots.count && figures.invariantViolations > 0)
        let text = MetricsExposition.render(
            [try #require(HealthCollector(host: host, objects: ObjectTraversal.Options()).collect().first)],
            durations: SampleDurations(), withObjects: true, format: .prometheus)
        #expect(text.contains("arenascope_arena_live_objects{id=\"5\",name=\"slab\",type=\"struct sdt_data\"} \(workload.liveSlots)"), "\(text)")
        #expect(text.contains("arenascope_arena_object_leaks{id=\"5\",name=\"slab\"} \(workload.leakedSlots.count)"))
        #expect(text.contains("arenascope_arena_fragment_count_mismatches{id=\"5\",name=\"slab\"} 0"))
    }
}
