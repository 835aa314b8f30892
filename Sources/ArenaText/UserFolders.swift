/// The user's own folders as the XDG base directory rules name them: `$XDG_CONFIG_HOME` and
/// `$XDG_DATA_HOME` when they are absolute paths (a relative one is ignored, as the rules say),
/// else `~/.config` and `~/.local/share` under an absolute `$HOME`; nil without either.
public enum UserFolders {
    public static func config(_ environment: [String: String]) -> String? {
        folder("XDG_CONFIG_HOME", fallback: "/.config", environment)
    }

    public static func data(_ environment: [String: String]) -> String? {
        folder("XDG_DATA_HOME", fallback: "/.local/share", environment)
    }

    private static func folder(_ variable: String, fallback: String, _ environment: [String: String]) -> String? {
        let absolute = { (value: String?) in value.flatMap { $0.hasPrefix("/") ? $0 : nil } }
        return absolute(environment[variable]) ?? absolute(environment["HOME"]).map { $0 + fallback }
    }
}
