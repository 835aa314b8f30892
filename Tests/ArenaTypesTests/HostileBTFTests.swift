import ArenaModel
@testable import ArenaTypes
import Foundation
import Testing

/// Crafted BTF (every one of these trapped, hung or ran away before): refused when parsed
/// with a one-line reason, or decoded and walked within the limits, never a trap.
@Suite struct HostileBTFTests {
    /// Where the crafted blobs are kept as files: the fuzzer's seeds (scripts/fuzz).
    /// ARENASCOPE_REGENERATE=1 writes them again.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Hostile")

    static let refusals: [(crafted: String, reason: String)] = [
        ("an int of 2^32-1 bytes", "int of 4294967295 bytes"),
        ("an int of 200 bits", "200 bits"),
        ("an enum of 2^32-1 bytes", "enum of 4294967295 bytes"),
        ("a float of 3 bytes", "float of 3 bytes"),
        ("a bitfield of 255 bits", "bitfield of 255 bits"),
        ("an array larger than 4 GiB", "larger than 4 GiB"),
        ("a typedef loop", "contains itself"),
        ("a struct holding itself", "contains itself"),
        ("typedefs 70 deep", "nested more than 64"),
        ("a member outside its struct", "outside its 8 bytes"),
    ]

    /// The blob each crafted case names.
    static func crafted(_ crafted: String) -> [UInt8] {
        var btf = BTFBuilder()
        switch crafted {
        case "an int of 2^32-1 bytes": _ = btf.record(.int, name: "huge", sizeOrType: .max, extra: [64])
        case "an int of 200 bits": _ = btf.record(.int, name: "wide", sizeOrType: 16, extra: [200])
        case "an enum of 2^32-1 bytes": _ = btf.record(.enumeration, name: "e", vlen: 0, sizeOrType: .max)
        case "a float of 3 bytes": _ = btf.record(.float, name: "f24", sizeOrType: 3)
        case "a bitfield of 255 bits":
            let int = btf.int("u64", size: 8)
            _ = btf.structure("s", size: 8, [.bitfield("b", int, bitOffset: 0, bits: 255)])
        case "an array larger than 4 GiB":
            let int = btf.int("u64", size: 8)
            _ = btf.array(of: int, count: 1 << 30, index: int)
        case "a typedef loop":
            _ = btf.typedef("a", 2)
            _ = btf.typedef("b", 1)
        case "a struct holding itself":
            let id = btf.declareStruct()
            btf.define(id, name: "self", size: 16, members: (0..<16).map { .field("m\($0)", id, at: 0) })
        case "typedefs 70 deep":
            var type = btf.int("u8", size: 1)
            for level in 0..<70 { type = btf.typedef("t\(level)", type) }
        case "a fan-out 16 ways 6 deep":
            return fanOut(levels: 6)
        default:
            let int = btf.int("u64", size: 8)
            _ = btf.structure("s", size: 8, [.field("past", int, at: 4)])
        }
        return btf.build()
    }

    static func fileName(_ crafted: String) -> String {
        crafted.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined() + ".btf"
    }

    @Test(arguments: refusals)
    func rulesTheKernelEnforcesAreEnforced(_ crafted: String, _ reason: String) throws {
        let catalog = TypeCatalog([TypeBlob(origin: "crafted", btf: Self.crafted(crafted))])
        let text = try #require(catalog.problems.first, "\(crafted) was accepted")
        #expect(text.hasPrefix("crafted: bad BTF: ") && text.contains(reason), "\(text)")
        #expect(!text.contains("\n"))
    }

    /// The files in Hostile/ are exactly the crafted blobs, so the fuzzer starts from them.
    @Test func theFuzzersSeedsAreTheCraftedBlobs() throws {
        let cases = Self.refusals.map(\.crafted) + ["a fan-out 16 ways 6 deep"]
        if ProcessInfo.processInfo.environment["ARENASCOPE_REGENERATE"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            for crafted in cases { try Data(Self.crafted(crafted)).write(to: Self.folder.appendingPathComponent(Self.fileName(crafted))) }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        #expect(Set(files) == Set(cases.map(Self.fileName)))
        for crafted in cases {
            let stored = try Data(contentsOf: Self.folder.appendingPathComponent(Self.fileName(crafted)))
            #expect(Array(stored) == Self.crafted(crafted), "\(Self.fileName(crafted)) is stale: ARENASCOPE_REGENERATE=1 writes it again")
        }
    }

    /// `struct L0 { u64 v; }` and `struct Lk { struct Lk-1 m0…m15; }` up to `levels`: a
    /// lawful type whose layout fans out 16 ways at every level.
    static func fanOut(levels: Int) -> [UInt8] {
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        var type = btf.structure("L0", size: 8, [.field("v", u64, at: 0)])
        var size: UInt32 = 8
        for level in 1...levels {
            type = btf.structure("L\(level)", size: size * 16, (0..<16).map { .field("m\($0)", type, at: UInt32($0) * size) })
            size *= 16
        }
        return btf.build()
    }

    @Test func aTypeThatFansOutIsLaidOutWithinItsBudgetAndSaysSo() throws {
        // 16^6 members to look at, unbounded: it ran for minutes before.
        let catalog = TypeCatalog([TypeBlob(origin: "crafted", btf: Self.fanOut(levels: 6))])
        #expect(catalog.problems.isEmpty)
        let geometry = ArenaGeometry(maxPages: 4, userVMStart: 0x1000_0000, flags: .mmapable)
        var builder = PageMapBuilder()
        builder.append(.allocated, count: 4)
        let root = StructureRoot(name: "big", address: geometry.userVMStart, type: "struct L6", origin: "arena global")
        let snapshot = Snapshot(source: SourceDescriptor(kind: .emulated), geometry: geometry, pages: builder.build(pageCount: 4), roots: [root])
        var traversal = ObjectTraversal(catalog: catalog, snapshot: snapshot, options: ObjectTraversal.Options(maxLayoutSteps: 100_000))
        let started = monotonicSeconds()
        let map = try traversal.run(roots: [root]) { pages in Dictionary(uniqueKeysWithValues: pages.map { ($0, [UInt8](repeating: 0, count: 4096)) }) }
        #expect(monotonicSeconds() - started < 5)
        #expect(map.truncated && map.limit?.contains("100000 members and elements") == true, "\(map.limit ?? "no limit")")
        #expect(map.objects == 1 && map.reachedPages == [0, 1, 2, 3], "the root, on every page its 128 MiB span reaches in the arena")
    }

    /// Named structs whose members are anonymous structs 16 wide, nested 4 deep, each holding
    /// 16 named structs: finding which structs embed which looked at every one (the fuzzer's
    /// input took over 10 s); the look is bounded, whatever the nesting.
    @Test func embeddingsThroughAnonymousMembersAreLookedForWithinABudget() throws {
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        let leaf = btf.structure("node", size: 8, [.field("v", u64, at: 0)])
        var inner = btf.structure("", size: 16 * 8, (0..<16).map { .field("n\($0)", leaf, at: UInt32($0) * 8) })
        var size: UInt32 = 16 * 8
        for _ in 1..<4 {
            inner = btf.structure("", size: size * 16, (0..<16).map { .field("", inner, at: UInt32($0) * size) })
            size *= 16
        }
        for index in 0..<4 { _ = btf.structure("holder\(index)", size: size, [.field("", inner, at: 0)]) }
        let catalog = TypeCatalog([TypeBlob(origin: "crafted", btf: btf.build())])
        let embedded = catalog.embeddings().values.reduce(0) { $0 + $1.count }
        #expect(embedded > 0 && embedded <= TypeCatalog.maxEmbeddingVisits, "\(embedded) embeddings")
    }

    @Test func lawfulDeepNestingDecodesWhole() throws {
        // 40 structs, each holding the next: lawful, and decoded whole (64 is the limit).
        var btf = BTFBuilder()
        var type = btf.int("u8", size: 1)
        for level in 0..<40 { type = btf.structure("n\(level)", size: 1, [.field("inner", type, at: 0)]) }
        let catalog = TypeCatalog([TypeBlob(origin: "deep", btf: btf.build())])
        #expect(catalog.problems.isEmpty)
        let geometry = ArenaGeometry(maxPages: 1, userVMStart: 0x1000_0000, flags: .mmapable)
        let decoder = TypeDecoder(catalog: catalog, pointers: PointerDecoder(geometry: geometry))
        var builder = PageMapBuilder()
        builder.append(.allocated, count: 1)
        let snapshot = Snapshot(source: SourceDescriptor(kind: .emulated), geometry: geometry, pages: builder.build(pageCount: 1), roots: [])
        var reader = ArenaReader(snapshot: snapshot) { _ in [UInt8](repeating: 7, count: 4096) }
        let decoded = try decoder.decode(try catalog.lookup("struct n39").ref, at: geometry.userVMStart, reader: &reader)
        var value = decoded.value, depth = 0
        while case .record(let fields) = value, let first = fields.first {
            value = first.value
            depth += 1
        }
        #expect(depth == 40 && value == .unsigned(7))
    }
}
