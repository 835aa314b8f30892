import ArenaModel
import ArenaTypes
import FuzzSupport

/// One input as `--btf` takes a file: raw BTF, and the `.BTF` section of an ELF object;
/// each catalog parsed is named, decoded and walked (`exercise`). Any trap, leak or
/// overflow is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTypes(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    exercise(TypeCatalog([TypeBlob(origin: "fuzz", btf: bytes)]), memory: bytes)
    if let section = try? BTFFile.section(in: bytes) { exercise(TypeCatalog([TypeBlob(origin: "fuzz elf", btf: section)]), memory: bytes) }
    return 0
}

/// SwiftPM links an executable's entry point as `<module>_main`; hand it to libFuzzer's driver.
@_cdecl("TypesFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTypes)
}
