import ArenaText
import Foundation

/// Finds themes by name or path.
///
/// Search order for a name: `$ARENASCOPE_THEMES`, the user's own
/// (`$XDG_CONFIG_HOME/arenascope/themes`, then `$XDG_DATA_HOME/arenascope/themes`, with
/// `~/.config` and `~/.local/share` without them), a `Themes` or `share/arenascope/themes` folder
/// beside the running executable or above it (found through `/proc/self/exe`, so it does not
/// matter how it was started: a build in the source tree finds the repository's, the package's
/// `/usr/bin/arenascope` finds `/usr/share/arenascope/themes`), the package's folder, then
/// `./Themes`. A value with a `/` or ending in `.theme` is a path.
public enum ThemeLibrary {
    /// Where the Debian package puts its themes.
    public static let packageFolder = "/usr/share/arenascope/themes"

    public static func folders(
        executable: String = runningExecutable(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String] {
        var folders: [String] = []
        if let custom = environment["ARENASCOPE_THEMES"], !custom.isEmpty { folders.append(custom) }
        for base in [UserFolders.config(environment), UserFolders.data(environment)].compactMap({ $0 }) {
            folders.append(base + "/arenascope/themes")
        }
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            folders.append(directory.appendingPathComponent("Themes").path)
            folders.append(directory.appendingPathComponent("share/arenascope/themes").path)
            directory = directory.deletingLastPathComponent()
        }
        folders.append(packageFolder)
        folders.append(FileManager.default.currentDirectoryPath + "/Themes")
        var seen: Set<String> = []
        return folders.filter { seen.insert($0).inserted }
    }

    /// The running executable's path, however it was started (argv[0] may be a bare name
    /// found on PATH); argv[0] where /proc is not mounted.
    public static func runningExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments.first ?? "." }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The theme `nameOrPath`; nil gives the built-in dark theme.
    public static func load(_ nameOrPath: String?, folders: [String] = folders()) throws(ThemeError) -> Theme {
        guard let nameOrPath else { return .dark }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") {
            return try read(path: nameOrPath)
        }
        for folder in folders {
            let path = folder + "/" + nameOrPath + ".theme"
            if FileManager.default.fileExists(atPath: path) { return try read(path: path) }
        }
        if nameOrPath == "dark" { return .dark }
        throw .notFound(name: nameOrPath, searched: folders)
    }

    /// Names of the themes found in `folders`.
    public static func available(folders: [String] = folders()) -> [String] {
        let names = folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".theme") }.map { String($0.dropLast(6)) }
        }
        return Array(Set(names + ["dark"])).sorted()
    }

    private static func read(path: String) throws(ThemeError) -> Theme {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20,
            let text = String(data: data, encoding: .utf8)
        else { throw .unreadable(path: path) }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try Theme.parse(text, name: name, file: path)
    }
}
