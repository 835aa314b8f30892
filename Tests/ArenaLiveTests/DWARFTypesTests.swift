import ArenaModel
import ArenaTypes
import Foundation
import Testing
@testable import ArenaLive

/// `--btf prog.bpf.o` completes the types a program uses only through locals from its DWARF
/// (through pahole): bpf/roots.bpf.c's `struct elem` is in its DWARF alone. No arena needed.
@Suite struct DWARFTypesTests {
    /// roots.bpf.o, as the plugin built it (clang -g), in a file of its own.
    static func objectFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-dwarf-\(getpid()).bpf.o").path
        guard FileManager.default.createFile(atPath: path, contents: Data(EmbeddedBPF.roots.bytes)) else { throw CocoaError(.fileWriteUnknown) }
        return path
    }

    @Test func typesOnlyTheDWARFHasAreReadThroughPahole() throws {
        let dwarf = DWARFTypes()
        try #require(dwarf.pahole != nil, "scripts/setup installs pahole (dwarves) for the tests")
        let path = try Self.objectFile()
        defer { unlink(path) }
        let loaded = try BTFFile.load(path, dwarf: dwarf)
        #expect(loaded.dwarfUnread == nil)
        #expect(loaded.blobs.map(\.origin) == ["file \(path)", "file \(path) (DWARF)"])
        #expect(throws: TypeError.self, "the .BTF alone lacks it") { try TypeCatalog([loaded.blobs[0]]).lookup("struct elem") }
        let catalog = TypeCatalog(loaded.blobs)
        let elem = try catalog.lookup("struct elem")
        #expect(elem.size == 24 && elem.origin == "file \(path) (DWARF)")
        #expect(try catalog.lookup("struct arena_list_node").size == 16, "declared in the .BTF, defined in the DWARF")
        #expect(catalog.entries.filter { $0.name == "struct arena_list_head" }.count == 1, "described by both: one type")
    }

    @Test func withoutPaholeTheDWARFIsSaidToBeUnread() throws {
        let path = try Self.objectFile()
        defer { unlink(path) }
        let absent = try BTFFile.load(path, dwarf: DWARFTypes(pahole: nil))
        #expect(absent.blobs.count == 1 && absent.dwarfUnread?.why == "pahole is not installed (Debian's dwarves)")
        let failing = try BTFFile.load(path, dwarf: DWARFTypes(pahole: "/bin/false"))
        #expect(failing.blobs.count == 1 && failing.dwarfUnread?.why == "pahole failed (exit 1)")
        let hanging = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-hanging-pahole-\(getpid())").path
        try Data("#!/bin/sh\nexec sleep 30\n".utf8).write(to: URL(fileURLWithPath: hanging))
        defer { unlink(hanging) }
        chmod(hanging, 0o700)
        let slow = try BTFFile.load(path, dwarf: DWARFTypes(pahole: hanging, timeLimit: 1))
        #expect(slow.blobs.count == 1 && slow.dwarfUnread?.why == "pahole took more than 1 s", "a pahole that hangs is stopped")
        // What is missing says how to get it.
        let error = try #require(throws: TypeError.self) { try TypeCatalog(absent.blobs).lookup("struct elem") }
        #expect(error.description.contains("built with -g adds those only its DWARF has, through pahole"))
    }
}
