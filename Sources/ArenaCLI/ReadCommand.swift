import ArgumentParser
import ArenaModel
import ArenaText

/// `arenascope read`: bytes at an address, as a hexdump or JSON.
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print the bytes at an arena address.",
        discussion: "Every page the bytes span must be backed; reading never allocates a page. Addresses take decimal or 0x hex.")

    @OptionGroup var source: SourceOptions
    @Option(help: ArgumentHelp("User address to read from.", valueName: "addr"))
    var addr: NumberArgument
    @Option(help: ArgumentHelp("Number of bytes (at most 16 MiB).", valueName: "n"))
    var len: NumberArgument = NumberArgument(256)
    @OptionGroup var output: OutputOptions

    func run() throws {
        let (arenaSource, snapshot) = try source.openSampled()
        var reader = ArenaReader(snapshot: snapshot, source: arenaSource)
        let bytes = try reader.read(addr.value, length: len.value)
        if output.json {
            var json = JSONWriter()
            json.beginObject()
            json.number(addr.value, "addr")
            json.number(len.value, "len")
            json.string(bytes.map(Hexdump.hexByte).joined(), "hex")
            json.endObject()
            print(json.printed)
        } else {
            print(Hexdump.lines(bytes, address: addr.value).joined(separator: "\n"))
        }
    }
}
