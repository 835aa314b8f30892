import ArgumentParser
import ArenaModel
import ArenaTypes
import ArenaText

/// `arenascope types`: the structs, unions, enums and typedefs known for an arena.
struct TypesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types",
        abstract: "List the types known for an arena: from its programs' BTF (live), its workload (emulated), or the recording.",
        discussion:
            "Structs, unions, enums and typedefs; a name only declared in every BTF known is marked (forward_only in JSON). With --json: {\"types\": [{\"name\", \"size\", \"origin\"}], \"problems\": [...]}."
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let catalog = try TypeLookup.catalog(of: source.open())
        // Base types (int, u64) can be named everywhere but are not listed.
        let listed = catalog.entries.filter { !$0.isBaseType }
        if output.json {
            var json = JSONWriter()
            json.beginObject()
            json.beginArray("types")
            for entry in listed {
                json.beginObject()
                json.string(entry.name, "name")
                json.number(entry.size, "size")
                json.string(entry.origin, "origin")
                if entry.isForwardOnly { json.bool(true, "forward_only") }
                json.endObject()
            }
            json.endArray()
            json.beginArray("problems")
            for problem in catalog.problems { json.string(problem) }
            json.endArray()
            json.endObject()
            print(json.printed)
            return
        }
        let width = listed.map(\.name.count).max() ?? 0
        for entry in listed {
            let size = entry.isForwardOnly ? "only declared (--btf FILE can define it)" : String(entry.size).leftPadded(to: 6) + " bytes"
            print((entry.name.rightPadded(to: width + 2) + size + "  " + entry.origin).terminalSafe)
        }
        for problem in catalog.problems { printError("arenascope: warning: \(problem)") }
        if catalog.isEmpty { printError("arenascope: no types: the source carries no BTF for its structures") }
    }
}

/// `arenascope decode`: the value at an address as a type.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Read the value at an address, or at a root, as a type from 'arenascope types'.",
        discussion: """
            --root NAME decodes a root at its address as its type (--type overrides it). Types: a named type \
            ('struct NAME', 'union NAME', 'enum NAME', a typedef), a base type ('int', 'u64'), a pointer to one \
            ('struct node *') or an array ('u64[4]'). With --json: {"type", "size", "addr", "fields": [{"name", \
            "offset", "type", "value"}]}. Integers are numbers, arrays lists, nested structs and unions objects with \
            their own "fields", enums their enumerator's name (with "raw"), pointers numbers with "arena" (true when \
            they point into the arena); bitfields add "bit_offset" and "bits".
            """)

    @OptionGroup var source: SourceOptions
    @Option(help: ArgumentHelp("Address of the value (decimal or 0x hex).", valueName: "addr"))
    var addr: NumberArgument?
    @OptionGroup var root: RootOption
    @Option(name: .customLong("type"), help: ArgumentHelp("The type (see the discussion); a root's own by default.", valueName: "type"))
    var typeName: String?
    @Flag(help: "Read 32-bit values inside the arena's window as pointers too.")
    var ptr32 = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (addr == nil) != (root.root == nil) else { throw ValidationError("give one of --addr and --root") }
        if addr != nil && typeName == nil { throw ValidationError("--addr needs --type") }
    }

    func run() throws {
        let (opened, snapshot) = try source.openSampled()
        let catalog = try TypeLookup.catalog(of: opened)
        guard !catalog.isEmpty else { throw CLIError("no types: the source carries no BTF for its structures (--btf FILE adds some)", status: .unavailable) }
        let (address, wanted) = try root.start(address: addr, type: typeName, in: snapshot)
        guard let wanted else { throw CLIError("root \(root.root ?? "") is untyped (a void * or an integer): give --type", status: .usage) }
        let entry = try catalog.lookup(wanted)
        var reader = ArenaReader(snapshot: snapshot, source: opened)
        let decoder = TypeDecoder(catalog: catalog, pointers: PointerDecoder(geometry: snapshot.geometry, acceptsLow32: ptr32 ? true : nil))
        let decoded = try decoder.decode(entry.ref, at: address, reader: &reader)
        print(output.json ? TypedJSON.encode(decoded) : TypedText.render(decoded, catalog: catalog).terminalSafeLines)
    }
}

/// Type information of a source, as a catalog.
enum TypeLookup {
    static func catalog(of source: ArenaSource) throws -> TypeCatalog {
        TypeCatalog(try source.typeBlobs())
    }
}

/// `decode --json`.
enum TypedJSON {
    static func encode(_ decoded: Decoded) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.string(decoded.typeName, "type")
        json.number(decoded.size, "size")
        json.number(decoded.address, "addr")
        if case .record(let fields) = decoded.value {
            writeFields(fields, &json)
        } else {
            json.member(named: "value")
            write(decoded.value, &json)
        }
        json.endObject()
        return json.printed
    }

    private static func writeFields(_ fields: [TypedField], _ json: inout JSONWriter) {
        json.beginArray("fields")
        for field in fields {
            json.beginObject()
            json.string(field.name, "name")
            json.number(field.offset, "offset")
            json.string(field.typeName, "type")
            if let bitfield = field.bitfield {
                json.number(bitfield.offset, "bit_offset")
                json.number(bitfield.bits, "bits")
            }
            json.member(named: "value")
            write(field.value, &json)
            switch field.value {
            case .pointer(_, let target, _): json.bool(target != nil, "arena")
            case .enumerator(_, let raw): json.number(raw, "raw")
            case .opaque(let what): json.string(what, "note")
            default: break
            }
            json.endObject()
        }
        json.endArray()
    }

    private static func write(_ value: TypedValue, _ json: inout JSONWriter) {
        switch value {
        case .unsigned(let number): json.number(number)
        case .signed(let number): json.number(number)
        case .bool(let flag): json.bool(flag)
        case .float(let number): json.number(number)
        case .enumerator(let name, let raw): if let name { json.string(name) } else { json.number(raw) }
        case .pointer(let raw, _, _): json.number(raw)
        case .array(let elements):
            json.beginArray()
            for element in elements { write(element, &json) }
            json.endArray()
        case .record(let fields):
            json.beginObject()
            writeFields(fields, &json)
            json.endObject()
        case .opaque: json.null()
        }
    }
}

/// `decode` as text: one line a field.
enum TypedText {
    static func render(_ decoded: Decoded, catalog: TypeCatalog) -> String {
        let lines = FieldLines.lines(decoded, catalog: catalog)
        let nameWidth = lines.map { $0.depth * 2 + $0.name.count }.max() ?? 0
        let typeWidth = lines.map(\.typeName.count).max() ?? 0
        var text = ["\(decoded.typeName) at \(hex(decoded.address)) (\(decoded.size) bytes)"]
        for line in lines {
            let name = String(repeating: " ", count: line.depth * 2) + line.name
            text.append(
                "  " + line.offset.rightPadded(to: 7) + name.rightPadded(to: nameWidth + 2) + line.typeName.rightPadded(to: typeWidth + 2)
                    + (line.value.isEmpty ? "" : "= " + line.value))
        }
        return text.joined(separator: "\n")
    }
}
