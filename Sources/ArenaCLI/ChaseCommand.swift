import ArgumentParser
import ArenaModel
import ArenaText

/// `arenascope chase`: follows a chain of pointers.
struct ChaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chase",
        abstract: "Follow the pointer stored at ADDR+OFFSET, node after node.",
        discussion: """
            Stops at a NULL pointer, a word that is not an arena pointer, a node in an unbacked page, \
            a node seen before (a cycle), or after --max nodes. With --json: {"hops": [{"addr", "page", "value"}], "stop"}.
            """)

    @OptionGroup var source: SourceOptions
    @Option(help: ArgumentHelp("User address of the first node.", valueName: "addr"))
    var addr: NumberArgument
    @Option(help: ArgumentHelp("Offset of the next pointer inside a node.", valueName: "bytes"))
    var offset: NumberArgument = NumberArgument(0)
    @Option(help: "Most nodes to list.")
    var max: Int = 64
    @Flag(help: "Read 4-byte pointers holding the low 32 bits of the address.")
    var ptr32 = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard max >= 1 && max <= 1_000_000 else { throw ValidationError("--max must be between 1 and 1000000") }
    }

    func run() throws {
        let (arenaSource, snapshot) = try source.openSampled()
        var reader = ArenaReader(snapshot: snapshot, source: arenaSource)
        let decoder = PointerDecoder(geometry: snapshot.geometry, acceptsLow32: ptr32 ? true : nil)
        let result = try reader.chase(from: addr.value, offset: offset.value, maxHops: max, decoder: decoder, width: ptr32 ? 4 : 8)
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
            print(json.text)
        } else {
            for (index, hop) in result.hops.enumerated() {
                print("\(String(index).leftPadded(to: 4))  \(hex(hop.address))  page \(hop.page)  -> \(hex(hop.value))")
            }
            print("stop: \(result.stop.rawValue)")
        }
    }
}
