import ArgumentParser
import ArenaModel
import ArenaText

/// `--root NAME`: start at one of the arena's roots (see `arenascope roots`).
struct RootOption: ParsableArguments {
    @Option(help: ArgumentHelp("Start at this root (its address and type): a name from 'arenascope roots'.", valueName: "name"))
    var root: String?

    /// Where to start: `address` with `type`, or the chosen root's address with `type`, or
    /// else the root's own type (nil for an untyped root).
    func start(address: NumberArgument?, type: String?, in snapshot: Snapshot) throws -> (address: UInt64, type: String?) {
        guard let root else { return (address?.value ?? 0, type) }
        let found = try Self.named(root, in: snapshot)
        return (found.address, type ?? found.type)
    }

    /// The root called `name` in `snapshot`; an unknown name suggests close ones (exit 64),
    /// a root outside the arena is refused before anything is read (exit 3).
    static func named(_ name: String, in snapshot: Snapshot) throws -> StructureRoot {
        guard let root = snapshot.roots.first(where: { $0.name == name }) else {
            let close = closeMatches(to: name, among: snapshot.roots.map(\.name))
            let hint =
                close.isEmpty
                ? (snapshot.roots.isEmpty ? "; this arena has no roots" : "; 'arenascope roots' lists them")
                : " (did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?)"
            throw CLIError("no root named '\(name)'\(hint)", status: .usage)
        }
        if let note = root.note(in: snapshot.geometry) {
            throw CLIError("root \(name) at \(hex(root.address)) is \(note)", status: .unreadable)
        }
        return root
    }
}
