import ArenaModel
import ArenaLive
import ArenaTypes

/// Samples every arena on the host, one pass at a time, for the exporter. A new arena is
/// sampled from the pass that first sees it; a gone one is forgotten (its series go). A
/// sample that stays torn after the backend's retries is counted as an error and the
/// arena's last good figures stand: a torn sample is never exported. Sources never keep an
/// arena alive (a walk's reader is dropped after it). The arenas come from an `ArenaHost`:
/// this host's (`LiveHost`) or a test's emulated ones.
public final class HealthCollector {
    private let host: any ArenaHost
    private let objects: ObjectTraversal.Options?
    private let typeFiles: ProgramTypeFiles
    /// Told once per arena and reason when an object walk fails (a shape that does not fit its types…).
    private let report: (String) -> Void
    private var reported: [UInt32: String] = [:]
    /// Each arena's source and the backend that samples it (and retries torn samples).
    private var watched: [UInt32: (source: any HostedArena, backend: SamplingBackend)] = [:]
    private var lastGood: [UInt32: ArenaHealth] = [:]
    public private(set) var durations = SampleDurations()

    /// Watches this host's arenas: loads the sampler, failing at once, with what is missing,
    /// where this process may not. With `objects`, each pass also walks every arena's object
    /// map with these limits, with `typeFiles` added to the arenas of their programs; `report`
    /// hears why a walk failed.
    public convenience init(
        objects: ObjectTraversal.Options?, typeFiles: ProgramTypeFiles = ProgramTypeFiles(),
        report: @escaping (String) -> Void = { _ in }
    ) throws(LiveError) {
        self.init(host: try LiveHost(), objects: objects, typeFiles: typeFiles, report: report)
    }

    /// Watches the arenas of `host`.
    public init(
        host: any ArenaHost, objects: ObjectTraversal.Options?, typeFiles: ProgramTypeFiles = ProgramTypeFiles(),
        report: @escaping (String) -> Void = { _ in }
    ) {
        self.host = host
        self.objects = objects
        self.typeFiles = typeFiles
        self.report = report
    }

    /// One pass over the arenas there are now; their figures, by id.
    public func collect() -> [ArenaHealth] {
        guard let records = try? host.arenas() else {
            durations.recordError()
            return Array(lastGood.values)
        }
        let present = Set(records.map(\.id))
        watched = watched.filter { present.contains($0.key) }
        reported = reported.filter { present.contains($0.key) }
        lastGood = lastGood.filter { present.contains($0.key) }
        for record in records {
            guard let (source, backend) = watch(record.id) else { continue }
            let start = monotonicSeconds()
            switch backend.sampleNow() {
            case .sampled(let snapshot):
                lastGood[record.id] = ArenaHealth(
                    id: record.id, name: record.name, maxPages: record.maxPages, stats: snapshot.stats,
                    programs: Self.distinct(source.programNames),
                    processes: Self.distinct(source.processNames),
                    objects: objectFigures(record.id, source, snapshot) ?? lastGood[record.id]?.objects)
                durations.record(seconds: monotonicSeconds() - start)
            case .gone:
                watched[record.id] = nil
                lastGood[record.id] = nil
            case .failed:
                durations.recordError()
            }
        }
        return Array(lastGood.values)
    }

    /// Names once each, in order: labels that stay the same when a program is reloaded or
    /// a process restarted (ids and pids would make a new series each time).
    private static func distinct(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    private func watch(_ id: UInt32) -> (source: any HostedArena, backend: SamplingBackend)? {
        if let known = watched[id] { return known }
        guard let source = host.source(for: id) else { return nil }
        let pair = (source, SamplingBackend(source: source, interval: 0, clock: monotonicSeconds))
        watched[id] = pair
        return pair
    }

    /// The object map's figures, where asked for and the arena has roots; nil otherwise
    /// (or when the walk failed: the last ones stand, and why is reported once).
    private func objectFigures(_ id: UInt32, _ live: any HostedArena, _ snapshot: Snapshot) -> ObjectFigures? {
        guard let objects, !snapshot.roots.isEmpty else { return nil }
        let added = typeFiles.matching(programs: live.programNames)
        let source = SourceWithTypes(live, adding: added.blobs, shapes: added.shapes)
        // The walk binds a page reader to the arena; it goes with the walk, so that the
        // arena does not outlive its owner until the next pass.
        defer { live.dropReader() }
        do {
            let catalog = TypeCatalog(try source.typeBlobs())
            let walked = try ObjectWalk.runWithAllocators(source, catalog: catalog, snapshot: snapshot, options: objects, resample: { try live.sample() })
            reported[id] = nil
            return ObjectFigures(walked)
        } catch {
            let why = "\(error)"
            if reported[id] != why {
                reported[id] = why
                report("arena \(id): no object figures: \(why)")
            }
            return nil
        }
    }
}
