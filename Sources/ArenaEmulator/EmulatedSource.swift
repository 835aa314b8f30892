import ArenaModel

/// Why an emulated source could not be set up.
public enum EmulationError: Error, Equatable, CustomStringConvertible {
    case unknownWorkload(String)
    case creation(ArenaCreationError)

    public var description: String {
        switch self {
        case .unknownWorkload(let name):
            "unknown workload '\(name)' (choose one of: \(WorkloadCatalog.names.joined(separator: ", ")))"
        case .creation(let error): error.description
        }
    }
}

/// An emulated arena driven by a workload, seen through the common source interface.
/// Its clock is the number of workload steps, so it is fully deterministic.
public final class EmulatedSource: ArenaSource {
    public let arena: EmulatedArena
    public let workload: any Workload
    public let seed: UInt64
    /// Workload steps run so far (the initial build is step 0).
    public private(set) var steps: UInt64 = 0

    /// - Parameters:
    ///   - workloadName: one of `WorkloadCatalog.names`.
    ///   - pages: arena size; the workload's default when nil.
    ///   - flags: extra arena flags (`BPF_F_MMAPABLE` is always set).
    public init(workload workloadName: String, seed: UInt64 = 1, pages: UInt32? = nil, flags: ArenaFlags = []) throws(EmulationError) {
        guard let type = WorkloadCatalog.named(workloadName) else { throw .unknownWorkload(workloadName) }
        do {
            arena = try EmulatedArena(maxPages: pages ?? type.defaultPages, flags: flags.union(.mmapable))
        } catch {
            throw .creation(error)
        }
        self.seed = seed
        workload = type.init(arena: arena, seed: seed)
    }

    public var capabilities: SourceCapabilities { [.pageBytes, .types, .workload] }

    /// Runs `count` more workload steps.
    public func advance(_ count: UInt64 = 1) {
        for _ in 0..<count { workload.step() }
        steps += count
    }

    public var descriptor: SourceDescriptor {
        SourceDescriptor(
            kind: .emulated,
            details: [
                ("workload", .text(type(of: workload).name)), ("seed", .number(seed)), ("steps", .number(steps)),
            ])
    }

    /// The arena now.
    public func sample() -> Snapshot {
        Snapshot(source: descriptor, geometry: arena.geometry, pages: arena.pageMap(), roots: workload.roots)
    }

    /// The BTF of the workload's structures.
    public func typeBlobs() -> [TypeBlob] { [WorkloadTypes.blob(for: type(of: workload).name)] }
    public func shapeTexts() -> [ShapeText] { WorkloadTypes.shape(for: type(of: workload).name, pageSize: arena.geometry.pageSize).map { [$0] } ?? [] }

    public func pageBytes(_ page: UInt32) throws -> [UInt8] {
        guard let bytes = arena.bytes(ofPage: page) else {
            throw ReadError.notBacked(address: arena.geometry.address(ofPage: page), page: page, state: arena.state(ofPage: page))
        }
        return bytes
    }
}
