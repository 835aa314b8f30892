import ArenaModel
import ArenaText
import Foundation

/// Shape files on disk: read (bounded), found beside a `--btf` object (`prog.bpf.o` →
/// `prog.shape`) and in the shapes folder by program name
/// (`$XDG_CONFIG_HOME/arenascope/shapes/NAME.shape`, `~/.config/...` without it).
public enum ShapeFile {
    /// Bytes a shape file may hold.
    public static let maxSize = 1 << 20

    /// The text of the shape file at `path`, parsed once to check it.
    public static func load(_ path: String) throws(ShapeError) -> ShapeText {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .file(path, "no such file", missing: true) }
        guard !isFolder.boolValue else { throw .file(path, "it is a directory", missing: false) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .file(path, "permission denied", missing: false) }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maxSize + 1) ?? Data() else { throw .file(path, "cannot be read", missing: false) }
        guard data.count <= maxSize else { throw .file(path, "larger than \(maxSize >> 20) MiB", missing: false) }
        guard let text = String(data: data, encoding: .utf8) else { throw .file(path, "not UTF-8 text", missing: false) }
        let shape = ShapeText(origin: path, text: text)
        _ = try Shape(parsing: text, origin: path)
        return shape
    }

    /// The shape file beside a BTF object or file, when there is one.
    public static func beside(_ btfPath: String) throws(ShapeError) -> ShapeText? {
        let url = URL(fileURLWithPath: btfPath)
        var name = url.lastPathComponent
        for suffix in [".bpf.o", ".o", ".btf"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            break
        }
        let candidate = url.deletingLastPathComponent().appendingPathComponent(name + ".shape").path
        return FileManager.default.fileExists(atPath: candidate) ? try load(candidate) : nil
    }

    /// Where shape files are kept by program name.
    public static func folder(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        UserFolders.config(environment).map { $0 + "/arenascope/shapes" }
    }

    /// The shape files of the programs named, from the shapes folder.
    public static func forPrograms(_ names: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws(ShapeError) -> [ShapeText] {
        var found: [ShapeText] = []
        for path in Set(names).sorted().compactMap({ file(forProgram: $0, environment: environment) }) where FileManager.default.fileExists(atPath: path) {
            found.append(try load(path))
        }
        return found
    }

    /// Where the shapes folder keeps program `name`'s file; nil for a name that is not one.
    public static func file(forProgram name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), let folder = folder(environment) else { return nil }
        return folder + "/" + name + ".shape"
    }

    /// Adds `line` to the shape file at `path` (made, with its folder, when missing), on a
    /// line of its own.
    public static func append(_ line: String, to path: String) throws(ShapeError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .file(path, "its folder cannot be made: \(error.localizedDescription)", missing: false)
        }
        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .file(path, "cannot be written: \(String(cString: strerror(errno)))", missing: false) }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        var last: UInt8 = 0
        let endsOpen = size > 0 && pread(descriptor, &last, 1, size - 1) == 1 && last != 0x0A
        let bytes = Array(((endsOpen ? "\n" : "") + line + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw .file(path, "cannot be written: \(String(cString: strerror(errno)))", missing: false)
        }
    }
}
