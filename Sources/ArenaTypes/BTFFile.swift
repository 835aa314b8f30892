import ArenaModel
import Foundation

/// Why a `--btf` file could not be used.
public enum BTFFileError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case unreadable(String, String)
    /// Neither raw BTF nor an ELF object with a `.BTF` section, or damaged.
    case notBTF(String, String)

    public var description: String {
        switch self {
        case .notFound(let path): "no such BTF file: \(path)"
        case .unreadable(let path, let why): "cannot read \(path): \(why)"
        case .notBTF(let path, let why): "\(path) is not usable BTF: \(why)"
        }
    }
}

/// Types from a file: raw BTF (`bpftool btf dump ... format raw`, `/sys/kernel/btf/*`) or
/// the `.BTF` section of an ELF object (a BPF program's `.bpf.o`). Every offset is checked;
/// the parser is fuzzed.
public enum BTFFile {
    /// The file's types, checked to parse, named after the file.
    public static func load(_ path: String) throws(BTFFileError) -> TypeBlob {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .notFound(path) }
        guard !isFolder.boolValue else { throw .unreadable(path, "it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path, "permission denied") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: BTF.maxSize + 1) ?? Data()
        } catch {
            throw .unreadable(path, "\(error.localizedDescription)")
        }
        guard data.count <= BTF.maxSize else { throw .notBTF(path, "larger than \(BTF.maxSize >> 20) MiB") }
        let btf: [UInt8]
        do throws(TypeError) {
            btf = try section(in: Array(data))
            _ = try BTF(btf)
        } catch {
            throw .notBTF(path, error.description)
        }
        return TypeBlob(origin: "file \(path)", btf: btf)
    }

    /// The BTF in `bytes`: all of it when it is raw BTF, the `.BTF` section of an ELF object.
    public static func section(in bytes: [UInt8]) throws(TypeError) -> [UInt8] {
        if bytes.count >= 2, UInt16(bytes[0]) | UInt16(bytes[1]) << 8 == BTF.magic { return bytes }
        guard bytes.count >= 64, bytes.prefix(4) == [0x7F, 0x45, 0x4C, 0x46] else {
            throw .badBTF("neither BTF nor an ELF object")
        }
        guard bytes[4] == 2, bytes[5] == 1 else { throw .badBTF("not a 64-bit little-endian ELF object") }
        let sectionTable = Int(clamping: load(bytes, 0x28, 8))
        let entrySize = Int(load(bytes, 0x3A, 2)), count = Int(load(bytes, 0x3C, 2)), namesIndex = Int(load(bytes, 0x3E, 2))
        guard entrySize >= 64, count > 0, namesIndex < count, sectionTable <= bytes.count,
              count <= (bytes.count - sectionTable) / entrySize else {
            throw .badBTF("the ELF section table lies outside the file")
        }
        func header(_ index: Int) -> (name: Int, offset: Int, size: Int) {
            let start = sectionTable + index * entrySize
            return (Int(load(bytes, start, 4)), Int(clamping: load(bytes, start + 0x18, 8)), Int(clamping: load(bytes, start + 0x20, 8)))
        }
        let names = header(namesIndex)
        guard names.offset <= bytes.count, names.size <= bytes.count - names.offset else { throw .badBTF("the ELF section names lie outside the file") }
        for index in 0..<count {
            let section = header(index)
            guard section.name < names.size else { continue }
            let nameStart = names.offset + section.name
            let nameEnd = bytes[nameStart..<names.offset + names.size].firstIndex(of: 0) ?? names.offset + names.size
            guard bytes[nameStart..<nameEnd].elementsEqual(".BTF".utf8) else { continue }
            guard section.offset <= bytes.count, section.size <= bytes.count - section.offset else {
                throw .badBTF("the .BTF section lies outside the file")
            }
            return Array(bytes[section.offset..<section.offset + section.size])
        }
        throw .badBTF("the ELF object has no .BTF section (build it with clang -g)")
    }

    private static func load(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<width where offset + index < bytes.count { value |= UInt64(bytes[offset + index]) << (8 * index) }
        return value
    }
}
