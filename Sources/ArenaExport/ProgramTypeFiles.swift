import ArenaModel
import ArenaTypes

/// The `--btf` and `--shape` files the exporter adds to the arenas, each to the arenas used by
/// the program it belongs to, so that one exporter serves hosts running several programs.
/// A file is given as `FILE` or `PROG=FILE`. A `--btf` object belongs to the programs it holds
/// (its functions, named as the kernel truncates program names), a raw BTF that holds none to
/// every arena; a `--shape` file to the program its name says (`PROG.shape`); a shape beside a
/// `--btf` object (`prog.shape` by `prog.bpf.o`) to that object's programs.
public struct ProgramTypeFiles: Sendable {
    struct Entry: Sendable {
        /// Program names it belongs to; nil: every arena.
        let programs: Set<String>?
        var blobs: [TypeBlob] = []
        var shapes: [ShapeText] = []
    }
    private var entries: [Entry] = []

    /// The longest program name the kernel keeps (BPF_OBJ_NAME_LEN less its NUL).
    static let programNameLength = 15

    public init() {}

    /// Loads every file (a bad one is the error it is, at start); `loadBTF` reads a `--btf` file.
    public init(btf: [String], shapes: [String], loadBTF: (String) throws -> [TypeBlob]) throws {
        for argument in btf {
            let (program, path) = Self.split(argument)
            let blobs = try loadBTF(path)
            let functions = Set(blobs.flatMap(Self.functionNames))
            let programs = program.map { [$0] } ?? (functions.isEmpty ? nil : functions)
            entries.append(Entry(programs: programs, blobs: blobs, shapes: try ShapeFile.beside(path).map { [$0] } ?? []))
        }
        for argument in shapes {
            let (program, path) = Self.split(argument)
            entries.append(Entry(programs: [program ?? Self.programName(ofShape: path)], shapes: [try ShapeFile.load(path)]))
        }
    }

    /// The types and shapes for an arena that these programs use.
    public func matching(programs names: [String]) -> (blobs: [TypeBlob], shapes: [ShapeText]) {
        let names = Set(names)
        let matched = entries.filter { $0.programs.map { !$0.isDisjoint(with: names) } ?? true }
        return (matched.flatMap(\.blobs), matched.flatMap(\.shapes))
    }

    /// `PROG=FILE` as its two parts, where PROG is a name a program can have; else the whole is a path.
    static func split(_ argument: String) -> (program: String?, path: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return (nil, argument) }
        let program = argument[..<equals]
        guard program.count <= programNameLength, program.allSatisfy({ $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return (nil, argument)
        }
        return (String(program), String(argument[argument.index(after: equals)...]))
    }

    /// The program a shape file is named for: its name without `.shape`.
    static func programName(ofShape path: String) -> String {
        var name = String(path.split(separator: "/").last ?? "")
        if name.hasSuffix(".shape") { name.removeLast(".shape".count) }
        return String(name.prefix(programNameLength))
    }

    /// The function names a BTF holds, as the kernel would name programs of them.
    static func functionNames(_ blob: TypeBlob) -> [String] {
        guard let btf = try? BTF(blob.btf) else { return [] }
        return btf.types.filter { $0.kind == .function }.map { String($0.name.prefix(programNameLength)) }
    }
}
