import ArenaModel
import ArenaTypes
import Testing

/// The second look at bad pointers: a walk over memory that changes under it is taken again.
@Suite struct ObjectWalkTests {
    /// The hand-made arena of `ObjectMapTests`, one version per sample: bytes are those of the
    /// latest sample, as a live source's are.
    final class ChangingSource: ArenaSource {
        let versions: (Int) -> ObjectMapTests.Arena
        private(set) var samples = 0
        init(_ versions: @escaping (Int) -> ObjectMapTests.Arena) { self.versions = versions }

        var descriptor: SourceDescriptor { SourceDescriptor(kind: .emulated) }
        var capabilities: SourceCapabilities { .pageBytes }
        func sample() throws -> Snapshot {
            samples += 1
            return ObjectMapTests.snapshot(roots: [StructureRoot(name: "table", address: ObjectMapTests.page(0), type: "struct table", origin: "arena global")])
        }
        func pageBytes(_ page: UInt32) throws -> [UInt8] { versions(samples - 1).bytes[page]! }
    }

    static func run(_ source: ChangingSource) throws -> ObjectMap {
        try ObjectWalk.run(source, catalog: ObjectMapTests.types(), snapshot: try source.sample(), options: ObjectTraversal.Options()) {
            try source.sample()
        }
    }

    @Test func aBadPointerRewrittenMeanwhileIsNotReportedAndTheWalkIsTakenAgain() throws {
        let source = ChangingSource { version in
            var arena = ObjectMapTests.arena()
            if version > 0 { arena.store(ObjectMapTests.page(0) + 8, ObjectMapTests.page(1) + 96) }  // the poison value rewritten
            return arena
        }
        let map = try Self.run(source)
        #expect(map.badPointers.map(\.path) == ["table.buckets[2]", "table.buckets[3]"], "the rewritten field is no longer bad")
        #expect(map.types.first { $0.type == "struct node" }?.count == 6, "walked again: the new node counted")
        #expect(!map.torn && source.samples == 3, "first sample, a second look that disagrees, a second look that agrees")
    }

    @Test func memoryThatNeverHoldsStillIsTornAndOnlyConfirmedPointersAreListed() throws {
        let source = ChangingSource { version in
            var arena = ObjectMapTests.arena()
            arena.store(ObjectMapTests.page(0) + 8, 0x100 + UInt64(version) * 8)  // a different wild value every time
            return arena
        }
        let map = try Self.run(source)
        #expect(map.torn && source.samples == 1 + ObjectWalk.attempts)
        #expect(map.badPointers.map(\.target) == ["free", "reserved"], "the pointers into free and reserved pages held still")
    }

    @Test func stillMemoryIsWalkedOnceWithASingleSecondLook() throws {
        let source = ChangingSource { _ in ObjectMapTests.arena() }
        let map = try Self.run(source)
        #expect(map.badPointers.count == 3 && !map.torn && source.samples == 2)
    }
}
