import ArgumentParser
import ArenaModel
import ArenaText

/// `arenascope chase`: follows a chain of pointers.
struct ChaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chase",
        abstract: "Follow the pointer stored at ADDR+OFFSET, node after node.",
        discussion: """
            Start at --addr or at a root (--root NAME); follow the pointer at --offset, or at the field named by \
            --field in the node's type (--type, or the root's own). Stops at a NULL pointer, a word that is not an \
            arena pointer, a node in an unbacked page, a node seen before (a cycle), or after --max nodes. With \
            --json: {"hops": [{"addr", "page", "value"}], "stop"}.
            """)

    @OptionGroup var source: SourceOptions
    @Option(help: ArgumentHelp("User address of the first node.", valueName: "addr"))
    var addr: NumberArgument?
    @OptionGroup var root: RootOption
    @Option(help: ArgumentHelp("Offset of the next pointer inside a node.", valueName: "bytes"))
    var offset: NumberArgument?
    @Option(help: ArgumentHelp("Follow this field of the node's type (next, node.next).", valueName: "name"))
    var field: String?
    @Option(name: .customLong("type"), help: ArgumentHelp("The nodes' type, for --field (a root's own by default).", valueName: "type"))
    var typeName: String?
    @Option(help: "Most nodes to list.")
    var max: Int = 64
    @Flag(help: "Read 4-byte pointers holding the low 32 bits of the address.")
    var ptr32 = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard max >= 1 && max <= 1_000_000 else { throw ValidationError("--max must be between 1 and 1000000") }
        guard (addr == nil) != (root.root == nil) else { throw ValidationError("give one of --addr and --root") }
        if offset != nil && field != nil { throw ValidationError("give one of --offset and --field") }
        if field?.isEmpty == true { throw ValidationError("--field needs a field name") }
        if field != nil && typeName == nil && root.root == nil { throw ValidationError("--field needs --type (or --root of a typed root)") }
    }

    func run() throws {
        let (arenaSource, snapshot) = try source.openSampled()
        let (start, nodeType) = try root.start(address: addr, type: typeName, in: snapshot)
        var step = offset?.value ?? 0
        if let field {
            guard let nodeType else { throw CLIError("root \(root.root ?? "") is untyped: give --type for --field", status: .usage) }
            let catalog = try TypeLookup.catalog(of: arenaSource)
            let entry = try catalog.lookup(nodeType)
            guard let (fieldOffset, _) = catalog.field(field, in: entry.ref) else {
                let close = closeMatches(to: field, among: catalog.fieldNames(of: entry.ref))
                throw CLIError(
                    "\(entry.name) has no field '\(field)'" + (close.isEmpty ? "" : " (did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?)"),
                    status: .usage)
            }
            step = fieldOffset
        }
        var reader = ArenaReader(snapshot: snapshot, source: arenaSource)
        let decoder = PointerDecoder(geometry: snapshot.geometry, acceptsLow32: ptr32 ? true : nil)
        let result = try reader.chase(from: start, offset: step, maxHops: max, decoder: decoder, width: ptr32 ? 4 : 8)
        if output.json {
            var json = JSONWriter()
            json.beginObject()
            json.beginArray("hops")
            for hop in result.hops {
                json.beginObject()
                json.number(hop.address, "addr")
                json.number(hop.page, "page")
                json.number(hop.value, "value")
                json.endObject()
            }
            json.endArray()
            json.string(result.stop.rawValue, "stop")
            json.endObject()
            print(json.printed)
        } else {
            for (index, hop) in result.hops.enumerated() {
                print("\(String(index).leftPadded(to: 4))  \(hex(hop.address))  page \(hop.page)  -> \(hex(hop.value))")
            }
            print("stop: \(result.stop.rawValue)")
        }
    }
}
