import ArgumentParser
import ArenaModel
import ArenaText
import ArenaTypes

/// `arenascope objects`: everything reachable from the roots, by type; leaks and bad pointers.
struct ObjectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objects",
        abstract: "Walk every typed pointer from the roots: objects by type, pages nothing reaches (leak candidates), and pointers that lead nowhere.",
        discussion: """
            Breadth first from every root (see 'arenascope roots'), each object once; struct members, unions (the \
            member whose pointers fit the bytes; several that fit alike: untyped pointers, never bad ones), arrays \
            (of 8-byte integers too, read as untyped pointers), typedefs; page bytes read in bulk, never from an \
            unbacked page. A pointer to a struct that exactly one other struct embeds (an intrusive list's node in \
            its element) leads to that container when it fits the memory there (its bytes on backed pages, its own \
            pointers leading somewhere); the containers inferred, and the pointers several containers fit alike \
            (counted as the type pointed to), are listed. A type several BTFs describe alike is one row; one name \
            laid out differently is told apart by origin. With --json: {"types": \
            [{"type", "count", "bytes"}], "reached_pages", "unreached_pages", "bad_pointers": [{"addr", "path", "value", \
            "target"}], "containers": [{"container", "member", "embedded", "objects", "rejected"}], "ambiguous": \
            [{"kind" (container or union), "type", "candidates", "objects"}], "untyped_pages" (reached only through \
            untyped pointers), "stopped": [{"type", "reason" (declared_only or untyped_root), "pointers"}], "objects", \
            "bytes", "reached_bytes", "backed_bytes", "truncated", "limit", "torn"}; "stopped" says where the walk could \
            go no further for want of a type (a pointer to a struct every BTF only declares, a root typed void *) and \
            "limit" which bound stopped a truncated walk. A bad pointer's target \
            is the state of the page it leads to (free, reserved) or not_arena (poison values such as 0x100, wild \
            values). Bad pointers get a second look in a fresh sample: a walk whose bad pointers changed meanwhile \
            (a live program at work) is taken again, up to 5 times; "torn" says the memory never held still and only \
            the bad pointers seen twice are listed.

            --diff I with --replay: per-type growth from frame I to --frame (default 0), most bytes gained first, \
            like heaptrack's diff. With --json: {"from", "to", "growth": [{"type", "count", "bytes", "count_change", \
            "bytes_change"}]}.
            """)

    static let objectLimit = 10_000_000

    @OptionGroup var source: SourceOptions
    @Option(help: ArgumentHelp("Most objects to visit (1 to 10000000); the result says truncated past it.", valueName: "n"))
    var maxObjects: Int = 1_000_000
    @Option(help: ArgumentHelp("With --replay: per-type growth from this frame to --frame.", valueName: "i"))
    var diff: Int?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...Self.objectLimit).contains(maxObjects) else { throw ValidationError("--max-objects must be between 1 and \(Self.objectLimit)") }
        if diff != nil && source.replayFile == nil { throw ValidationError("--diff goes with --replay (it compares two frames of a recording)") }
    }

    func run() throws {
        let (opened, snapshot) = try source.openSampled()
        let options = ObjectTraversal.Options(maxObjects: maxObjects)
        let walked = try ObjectWalk.runWithAllocators(
            opened, catalog: try TypeLookup.catalog(of: opened), snapshot: snapshot,
            options: options
        ) { try SourceOptions.sample(opened) }
        let (map, allocators, fragments) = (walked.map, walked.allocators, walked.fragments)
        let liveByType = Dictionary(allocators.map { ($0.dataType, $0.live.count) }, uniquingKeysWith: +)
        if let diff, let timeline = opened.timeline {
            guard (0..<timeline.frameCount).contains(diff) else {
                throw CLIError("--diff \(diff): the recording has frames 0 to \(timeline.frameCount - 1)", status: .usage)
            }
            let to = timeline.position
            timeline.seek(to: diff)
            let before = try Self.walk(opened, try SourceOptions.sample(opened), options: options)
            printGrowth(TypeGrowth.between(before, map), from: diff, to: to, truncated: before.truncated || map.truncated)
            return
        }
        if output.json {
            var json = JSONWriter()
            json.beginObject()
            json.beginArray("types")
            for type in map.types {
                json.beginObject()
                json.string(type.type, "type")
                json.number(type.count, "count")
                json.number(type.bytes, "bytes")
                if let live = liveByType[type.type] { json.number(live, "live") }
                json.endObject()
            }
            json.endArray()
            json.beginArray("allocators")
            for report in allocators { json.allocator(report) }
            json.endArray()
            json.pageFragments(fragments)
            json.beginArray("reached_pages")
            for page in map.reachedPages { json.number(page) }
            json.endArray()
            json.beginArray("unreached_pages")
            for page in map.unreachedPages { json.number(page) }
            json.endArray()
            json.beginArray("bad_pointers")
            for pointer in map.badPointers {
                json.beginObject()
                json.number(pointer.address, "addr")
                json.string(pointer.path, "path")
                json.number(pointer.value, "value")
                json.string(pointer.target, "target")
                json.endObject()
            }
            json.endArray()
            json.beginArray("containers")
            for container in map.containers {
                json.beginObject()
                json.string(container.container, "container")
                json.string(container.member, "member")
                json.string(container.embedded, "embedded")
                json.number(container.objects, "objects")
                json.number(container.rejected, "rejected")
                json.endObject()
            }
            json.endArray()
            json.beginArray("ambiguous")
            for ambiguity in map.ambiguities {
                json.beginObject()
                json.string(ambiguity.kind.rawValue, "kind")
                json.string(ambiguity.type, "type")
                json.beginArray("candidates")
                for candidate in ambiguity.candidates { json.string(candidate) }
                json.endArray()
                json.number(ambiguity.objects, "objects")
                json.endObject()
            }
            json.endArray()
            json.number(map.untypedPages, "untyped_pages")
            json.beginArray("stopped")
            for stop in map.stops {
                json.beginObject()
                json.string(stop.type, "type")
                json.string(stop.reason.rawValue, "reason")
                json.number(stop.pointers, "pointers")
                json.endObject()
            }
            json.endArray()
            json.number(map.objects, "objects")
            json.number(map.bytes, "bytes")
            json.number(map.reachedBytes, "reached_bytes")
            json.number(map.backedBytes, "backed_bytes")
            json.bool(map.truncated, "truncated")
            if let limit = map.limit { json.string(limit, "limit") } else { json.null("limit") }
            json.bool(map.torn, "torn")
            json.endObject()
            print(json.printed)
            return
        }
        if snapshot.roots.isEmpty {
            printError("arenascope: no roots: nothing to walk from (the programs keep no arena globals or pointers in maps with BTF)")
        }
        let share = map.backedBytes == 0 ? "-" : percentText(Double(map.reachedBytes) / Double(map.backedBytes))
        print(
            "objects    \(map.objects) (\(map.bytes) bytes)\(map.limit.map { ", truncated: \($0)" } ?? "")"
                + (map.torn ? ", torn (the arena kept changing: only bad pointers seen twice are listed)" : ""))
        print(
            "pages      \(map.reachedPages.count) reached\(map.untypedPages > 0 ? " (\(map.untypedPages) only through untyped pointers)" : ""), "
                + "\(map.unreachedPages.count) backed but unreached; \(share) of the backed bytes reachable")
        let width = min(40, map.types.map(\.type.count).max() ?? 0)
        for type in map.types {
            print(
                "  " + type.type.rightPadded(to: width) + String(type.count).leftPadded(to: 10) + String(type.bytes).leftPadded(to: 12) + " bytes"
                    + (liveByType[type.type].map { ", \($0) live" } ?? ""))
        }
        for line in AllocatorText.lines(allocators, fragments: fragments) { print(line) }
        for finding in map.findings { print(finding.label.rightPadded(to: 11) + finding.text) }
        for pointer in map.badPointers.prefix(20) {
            print("bad        \(pointer.path) at \(hex(pointer.address)) = \(hex(pointer.value)) → \(pointer.target)")
        }
        if map.badPointers.count > 20 { print("bad        … \(map.badPointers.count - 20) more (--json lists them all)") }
        for range in PageRange.runs(of: map.unreachedPages).prefix(20) {
            print("unreached  pages \(range.first)\(range.count > 1 ? "-\(range.last)" : "") at \(hex(snapshot.geometry.address(ofPage: range.first)))")
        }
    }
}

extension ObjectsCommand {
    /// The object map of `source` from `snapshot`, bad pointers confirmed by a fresh sample.
    static func walk(_ source: ArenaSource, _ snapshot: Snapshot, options: ObjectTraversal.Options) throws -> ObjectMap {
        try ObjectWalk.run(source, catalog: TypeLookup.catalog(of: source), snapshot: snapshot, options: options) {
            try SourceOptions.sample(source)
        }
    }

    func printGrowth(_ growth: [TypeGrowth], from: Int, to: Int, truncated: Bool) {
        if output.json {
            var json = JSONWriter()
            json.beginObject()
            json.number(from, "from")
            json.number(to, "to")
            json.beginArray("growth")
            for type in growth {
                json.beginObject()
                json.string(type.type, "type")
                json.number(type.after?.count ?? 0, "count")
                json.number(type.after?.bytes ?? 0, "bytes")
                json.number(type.countChange, "count_change")
                json.number(type.bytesChange, "bytes_change")
                json.endObject()
            }
            json.endArray()
            json.bool(truncated, "truncated")
            json.endObject()
            print(json.printed)
            return
        }
        print(
            "frame \(from) → frame \(to)\(truncated ? " (a walk was truncated)" : ""): \(growth.isEmpty ? "no type changed" : "\(growth.count) type\(growth.count == 1 ? "" : "s") changed")"
        )
        let width = min(40, growth.map(\.type.count).max() ?? 0)
        for type in growth {
            let count = (type.countChange > 0 ? "+" : "") + String(type.countChange)
            let bytes = (type.bytesChange > 0 ? "+" : "") + String(type.bytesChange)
            print(
                "  " + type.type.rightPadded(to: width) + count.leftPadded(to: 10) + bytes.leftPadded(to: 12) + " bytes"
                    + "   now \(type.after?.count ?? 0)")
        }
    }
}

/// `arenascope refs`: every reached pointer into the object or page at an address.
struct RefsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refs",
        abstract: "Who points here: every pointer reached from the roots that points into the object (or page) at ADDR.",
        discussion:
            "With --json: {\"refs\": [{\"addr\", \"path\", \"value\"}]}: where each pointer lies (null for a root a map holds), its path from a root and what it holds."
    )

    @OptionGroup var source: SourceOptions
    @Option(help: ArgumentHelp("An address in the object or page to ask about.", valueName: "addr"))
    var addr: NumberArgument
    @OptionGroup var output: OutputOptions

    func run() throws {
        let (opened, snapshot) = try source.openSampled()
        guard snapshot.geometry.page(containing: addr.value) != nil else {
            throw CLIError("address \(hex(addr.value)) is outside the arena", status: .unreadable)
        }
        let map = try ObjectsCommand.walk(opened, snapshot, options: ObjectTraversal.Options(referencesTo: addr.value))
        if output.json {
            var json = JSONWriter()
            json.beginObject()
            json.beginArray("refs")
            for reference in map.references { json.reference(reference) }
            json.endArray()
            json.endObject()
            print(json.printed)
            return
        }
        if map.references.isEmpty { print("nothing reached from the roots points at \(hex(addr.value))") }
        for reference in map.references {
            print("\(reference.path) \(reference.address.map { "at \(hex($0))" } ?? "(a root, in a map)") = \(hex(reference.value))")
        }
    }
}
