import Foundation

/// Finds themes by name or path.
///
/// Search order for a name: `$ARENASCOPE_THEMES`, then a `Themes` folder beside the
/// executable or above it (so a build in the source tree finds the repository's), then
/// `./Themes`. A value with a `/` or ending in `.theme` is a path.
public enum ThemeLibrary {
    public static func folders(executable: String = CommandLine.arguments.first ?? ".") -> [String] {
        var folders: [String] = []
        if let custom = ProcessInfo.processInfo.environment["ARENASCOPE_THEMES"] { folders.append(custom) }
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            folders.append(directory.appendingPathComponent("Themes").path)
            folders.append(directory.appendingPathComponent("share/arenascope/themes").path)
            directory = directory.deletingLastPathComponent()
        }
        folders.append(FileManager.default.currentDirectoryPath + "/Themes")
        var seen: Set<String> = []
        return folders.filter { seen.insert($0).inserted }
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
        throw .notFound(name: nameOrPath, searched: folders.filter { FileManager.default.fileExists(atPath: $0) })
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
              let text = String(data: data, encoding: .utf8) else { throw .unreadable(path: path) }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try Theme.parse(text, name: name, file: path)
    }
}
