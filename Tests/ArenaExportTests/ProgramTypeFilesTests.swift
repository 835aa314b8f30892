import ArenaModel
import ArenaTypes
import Foundation
import Testing
@testable import ArenaExport

/// `export --btf/--shape`: each file goes to the arenas of the programs it belongs to.
@Suite struct ProgramTypeFilesTests {
    /// A raw BTF holding one struct and, when named, a function (a program) of that name.
    static func btf(function: String?) -> [UInt8] {
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        _ = btf.structure("htab", size: 8, [.field("n", u64, at: 0)])
        if let function {
            let prototype = btf.record(.functionPrototype, sizeOrType: 0)
            _ = btf.record(.function, name: function, sizeOrType: prototype)
        }
        return btf.build()
    }

    @Test func eachFileGoesToTheArenasOfItsPrograms() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-typefiles-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let program = folder + "/htab.btf", anyArena = folder + "/kernel.btf", named = folder + "/other.btf"
        try Data(Self.btf(function: "htab_lookup_element")).write(to: URL(fileURLWithPath: program))
        try Data(Self.btf(function: nil)).write(to: URL(fileURLWithPath: anyArena))
        try Data(Self.btf(function: "unrelated")).write(to: URL(fileURLWithPath: named))
        try Data("struct htab.n[4]\n".utf8).write(to: URL(fileURLWithPath: folder + "/htab.shape"))
        try Data("# nothing yet\n".utf8).write(to: URL(fileURLWithPath: folder + "/sched.shape"))
        let files = try ProgramTypeFiles(btf: [program, anyArena, "list=" + named], shapes: [folder + "/sched.shape"]) { try BTFFile.load($0).blobs }

        // The kernel keeps 15 characters of a program's name.
        let htab = files.matching(programs: ["htab_lookup_ele"])
        #expect(htab.blobs.map(\.origin) == ["file \(program)", "file \(anyArena)"])
        #expect(htab.shapes.map(\.origin) == [folder + "/htab.shape"], "the shape beside the object goes with it")
        #expect(files.matching(programs: ["sched"]).shapes.map(\.origin) == [folder + "/sched.shape"])
        #expect(files.matching(programs: ["sched"]).blobs.map(\.origin) == ["file \(anyArena)"], "a BTF of no program: every arena")
        #expect(files.matching(programs: ["list"]).blobs.map(\.origin) == ["file \(anyArena)", "file \(named)"], "PROG=FILE names the program")
        #expect(throws: ShapeError.self) { try ProgramTypeFiles(btf: [], shapes: [folder + "/missing.shape"]) { _ in [] } }
    }

    @Test func aProgramIsNamedBeforeTheFirstEqualsSign() {
        #expect(ProgramTypeFiles.split("sched=/etc/a.shape") == ("sched", "/etc/a.shape"))
        #expect(ProgramTypeFiles.split("/srv/a=b.bpf.o") == (nil, "/srv/a=b.bpf.o"), "a path, not a program")
        #expect(ProgramTypeFiles.split("=a.shape") == (nil, "=a.shape"))
        #expect(ProgramTypeFiles.programName(ofShape: "/x/scx_layered.shape") == "scx_layered")
    }
}
