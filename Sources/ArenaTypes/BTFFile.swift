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
/// an ELF object (a BPF program's `.bpf.o`): its `.BTF` section, and the types its DWARF
/// holds (through pahole), which its `.BTF` lacks for types used only through locals.
/// Every offset is checked; the parser is fuzzed.
public enum BTFFile {
    /// A file's types, and why its DWARF was not read where it has some that was not.
    public struct Loaded: Sendable {
        /// The `.BTF` section (or the raw file), then what pahole made of the DWARF.
        public let blobs: [TypeBlob]
        /// Set when the object has DWARF and it could not be read.
        public let dwarfUnread: DWARFUnread?
    }

    /// The file's types, checked to parse, named after the file.
    public static func load(_ path: String, dwarf: DWARFTypes = DWARFTypes()) throws(BTFFileError) -> Loaded {
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
        let bytes = Array(data)
        do throws(TypeError) {
            if isRawBTF(bytes) {
                _ = try BTF(bytes)
                return Loaded(blobs: [TypeBlob(origin: "file \(path)", btf: bytes)], dwarfUnread: nil)
            }
            let sections = try ELFSections(bytes)
            var blobs: [TypeBlob] = []
            if let btf = try sections.bytes(of: ".BTF") {
                _ = try BTF(btf)
                blobs.append(TypeBlob(origin: "file \(path)", btf: btf))
            }
            guard sections.contains(".debug_info") else {
                guard !blobs.isEmpty else { throw TypeError.badBTF("the ELF object has neither a .BTF section nor DWARF (build it with clang -g)") }
                return Loaded(blobs: blobs, dwarfUnread: nil)
            }
            switch dwarf.encode(path) {
            case .success(let btf):
                blobs.append(TypeBlob(origin: "file \(path) (DWARF)", btf: btf))
                return Loaded(blobs: blobs, dwarfUnread: nil)
            case .failure(let unread):
                guard !blobs.isEmpty else {
                    throw TypeError.badBTF("the ELF object has no .BTF section, and its DWARF was not read: \(unread.why)")
                }
                return Loaded(blobs: blobs, dwarfUnread: unread)
            }
        } catch {
            throw .notBTF(path, error.description)
        }
    }

    private static func isRawBTF(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && UInt16(bytes[0]) | UInt16(bytes[1]) << 8 == BTF.magic }

    /// The BTF in `bytes`: all of it when it is raw BTF, the `.BTF` section of an ELF object.
    public static func section(in bytes: [UInt8]) throws(TypeError) -> [UInt8] {
        if isRawBTF(bytes) { return bytes }
        guard let btf = try ELFSections(bytes).bytes(of: ".BTF") else { throw .badBTF("the ELF object has no .BTF section (build it with clang -g)") }
        return btf
    }
}
