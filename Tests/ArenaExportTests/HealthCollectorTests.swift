import Testing
import ArenaEmulator
import ArenaModel
import ArenaTypes
@testable import ArenaExport

/// The exporter's rules for arenas that come, go and tear, driven on emulated arenas through
/// the same `HealthCollector` the exporter runs on the host's (`LiveHost`).
@Suite struct HealthCollectorTests {
    /// An emulated arena as a host lists it; it can be made to tear every sample.
    final class Arena: HostedArena {
        let emulated: EmulatedSource
        var tears = false
        private(set) var readersDropped = 0
        init(_ workload: String, steps: UInt64) throws {
            emulated = try EmulatedSource(workload: workload)
            emulated.advance(steps)
        }

        struct Torn: ClassifiedSampleError { var sampleFailureKind: SampleFailureKind { .torn } }

        var descriptor: SourceDescriptor { emulated.descriptor }
        var capabilities: SourceCapabilities { emulated.capabilities }
        func sample() throws -> Snapshot {
            if tears { throw Torn() }
            return emulated.sample()
        }
        func pageBytes(_ page: UInt32) throws -> [UInt8] { try emulated.pageBytes(page) }
        func typeBlobs() throws -> [TypeBlob] { emulated.typeBlobs() }
        var programNames: [String] { ["prog_a", "prog_b", "prog_a"] }
        var processNames: [String] { ["loader"] }
        func dropReader() { readersDropped += 1 }
    }

    /// Arenas by id, listed as a host lists its arenas.
    final class Host: ArenaHost {
        var listed: [UInt32: Arena] = [:]
        func arenas() throws -> [HostedArenaSummary] {
            listed.sorted { $0.key < $1.key }.map { HostedArenaSummary(id: $0.key, name: "arena\($0.key)", maxPages: $0.value.emulated.arena.geometry.maxPages) }
        }
        func source(for id: UInt32) -> (any HostedArena)? { listed[id] }
    }

    @Test func newArenasAreSampledAtOnceAndGoneOnesForgotten() throws {
        let host = Host()
        host.listed[7] = try Arena("list", steps: 30)
        let collector = HealthCollector(host: host, objects: nil)
        let first = collector.collect()
        #expect(first.map(\.id) == [7])
        #expect(first[0].programs == ["prog_a", "prog_b"], "names once each: the labels stay when a program is reloaded")
        #expect(first[0].stats.backedPages == host.listed[7]!.emulated.sample().stats.backedPages)
        host.listed[9] = try Arena("hashtab", steps: 30)
        #expect(Set(collector.collect().map(\.id)) == [7, 9], "a new arena is sampled from the pass that first sees it")
        host.listed[7] = nil
        #expect(collector.collect().map(\.id) == [9], "a gone arena's figures go")
        #expect(collector.durations.errors == 0)
    }

    @Test func aTornArenaKeepsItsLastGoodFiguresAndCountsAnError() throws {
        let host = Host()
        let arena = try Arena("churn", steps: 100)
        host.listed[3] = arena
        let collector = HealthCollector(host: host, objects: nil)
        let good = try #require(collector.collect().first)
        arena.emulated.advance(500)
        #expect(arena.emulated.sample().stats.backedPages != good.stats.backedPages, "the arena changed meanwhile")
        arena.tears = true
        let torn = try #require(collector.collect().first)
        #expect(torn.stats.backedPages == good.stats.backedPages, "a torn sample is never exported")
        #expect(collector.durations.errors == 1)
        arena.tears = false
        let fresh = try #require(collector.collect().first)
        #expect(fresh.stats.backedPages == arena.emulated.sample().stats.backedPages)
    }

    @Test func objectFiguresComeFromTheWalkAndItsReaderIsDropped() throws {
        let host = Host()
        let arena = try Arena("leaky", steps: 320)
        host.listed[1] = arena
        let collector = HealthCollector(host: host, objects: ObjectTraversal.Options())
        let objects = try #require(collector.collect().first?.objects)
        let expected = try ObjectWalk.walk(arena, catalog: TypeCatalog(try arena.typeBlobs()), snapshot: try arena.sample(), options: ObjectTraversal.Options())
        #expect(objects.types.map(\.count).reduce(0, +) == expected.objects, "the figures of arenascope objects")
        #expect(objects.badPointers == expected.badPointers.count && objects.badPointers > 0)
        #expect(arena.readersDropped == 1, "the walk lets go of the arena")
    }
}
