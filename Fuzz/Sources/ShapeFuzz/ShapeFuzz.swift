import ArenaModel
import ArenaTypes
import FuzzSupport

/// The types the shape seeds name: an intrusive list, a hash table behind a handle, an
/// extent that owns its pages, a union of pointer arrays.
let catalog: TypeCatalog = {
    var btf = BTFBuilder()
    let u64 = btf.int("u64", size: 8), int = btf.int("int", size: 4, signed: true), u32 = btf.int("u32", size: 4)
    let node = btf.declareStruct()
    let nodePointer = btf.pointer(to: node)
    btf.define(node, name: "arena_list_node", size: 16, members: [.field("next", nodePointer, at: 0), .field("pprev", btf.pointer(to: nodePointer), at: 8)])
    let head = btf.structure("arena_list_head", size: 8, [.field("first", nodePointer, at: 0)])
    _ = btf.structure(
        "hashtab_elem", size: 32, [.field("hash", int, at: 0), .field("key", int, at: 4), .field("value", int, at: 8), .field("hash_node", node, at: 16)])
    let bucket = btf.structure("htab_bucket", size: 8, [.field("head", head, at: 0)])
    _ = btf.structure("fuzz", size: 16, [.field("buckets", btf.pointer(to: bucket), at: 0), .field("n_buckets", int, at: 8)])
    let extent = btf.declareStruct()
    btf.define(extent, name: "extent", size: 16, members: [.field("prev", btf.pointer(to: extent), at: 0), .field("pages", u32, at: 8)])
    let pointers = btf.union(
        "", size: 32,
        [
            .field("descs", btf.array(of: btf.pointer(to: extent), count: 4, index: u32), at: 0),
            .field("data", btf.array(of: btf.pointer(to: bucket), count: 4, index: u32), at: 0),
        ])
    _ = btf.structure("chunk", size: 40, [.field("", pointers, at: 0), .field("count", u64, at: 32)])
    return TypeCatalog([TypeBlob(origin: "fuzz", btf: btf.build())])
}()

/// One input as `--shape` takes a file: parsed, and when it parses, resolved against the
/// catalog and walked over the input's own bytes. Any trap, leak or overflow is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShape(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let shape = try? Shape(parsing: String(decoding: bytes, as: UTF8.self), origin: "fuzz") else { return 0 }
    exercise(catalog, memory: bytes, shape: shape)
    return 0
}

/// SwiftPM links an executable's entry point as `<module>_main`; hand it to libFuzzer's driver.
@_cdecl("ShapeFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzShape)
}
