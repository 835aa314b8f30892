import ArenaEmulator
import ArenaExport
import ArenaModel

/// Emulated arenas as a host lists them, for driving `HealthCollector` (the exporter's rules)
/// without BPF, and for setting the emulator beside the kernel on the same script.
public final class EmulatedHost: ArenaHost {
    /// The arenas listed, by map id.
    public var listed: [UInt32: HostedSource] = [:]

    public init() {}

    public func arenas() throws -> [HostedArenaSummary] {
        listed.sorted { $0.key < $1.key }.map { id, arena in
            HostedArenaSummary(id: id, name: arena.name, maxPages: arena.source.geometry.maxPages)
        }
    }

    public func source(for id: UInt32) -> (any HostedArena)? { listed[id] }
}

/// A source as a hosted arena: its programs' and processes' names, and a switch that makes
/// every sample tear (as a live arena changing under each sample does).
public final class HostedSource: HostedArena {
    public let source: GeometrySource
    public let name: String
    public var tears = false
    public let programNames: [String]
    public let processNames: [String]
    public private(set) var readersDropped = 0

    public init(_ source: GeometrySource, name: String, programs: [String] = [], processes: [String] = []) {
        self.source = source
        self.name = name
        programNames = programs
        processNames = processes
    }

    struct Torn: ClassifiedSampleError { var sampleFailureKind: SampleFailureKind { .torn } }

    public var descriptor: SourceDescriptor { source.descriptor }
    public var capabilities: SourceCapabilities { source.capabilities }
    public func sample() throws -> Snapshot {
        if tears { throw Torn() }
        return try source.sample()
    }
    public func pageBytes(_ page: UInt32) throws -> [UInt8] { try source.pageBytes(page) }
    public func typeBlobs() throws -> [TypeBlob] { try source.typeBlobs() }
    public func shapeTexts() throws -> [ShapeText] { try source.shapeTexts() }
    public func dropReader() { readersDropped += 1 }
}

/// A source whose arena's geometry is known without sampling it.
public protocol GeometrySource: ArenaSource {
    var geometry: ArenaGeometry { get }
}

extension EmulatedSource: GeometrySource {
    public var geometry: ArenaGeometry { arena.geometry }
}

/// A bare emulated arena as a source, driven by a test's own script: its pages, no roots, no types.
public final class ScriptedArenaSource: GeometrySource {
    public let arena: EmulatedArena

    public init(_ arena: EmulatedArena) { self.arena = arena }

    public var geometry: ArenaGeometry { arena.geometry }
    public var descriptor: SourceDescriptor { SourceDescriptor(kind: .emulated, details: [("workload", .text("script"))]) }
    public var capabilities: SourceCapabilities { [.pageBytes] }
    public func sample() -> Snapshot {
        Snapshot(source: descriptor, geometry: arena.geometry, pages: arena.pageMap(), roots: [])
    }
    public func pageBytes(_ page: UInt32) throws -> [UInt8] {
        guard let bytes = arena.bytes(ofPage: page) else {
            throw ReadError.notBacked(address: arena.geometry.address(ofPage: page), page: page, state: arena.state(ofPage: page))
        }
        return bytes
    }
}
