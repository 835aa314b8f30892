import ArenaModel
import ArenaText

/// A colour in a theme file.
public enum ThemeColor: Equatable, Sendable {
    /// The terminal's own default colour.
    case terminalDefault
    /// One of the 256 xterm colours.
    case index(UInt8)
    /// A 24-bit colour, degraded to what the terminal can show.
    case rgb(UInt8, UInt8, UInt8)
}

/// How a role is drawn.
public struct RoleStyle: Equatable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var bold: Bool
    public var underline: Bool

    public init(_ foreground: ThemeColor, on background: ThemeColor = .terminalDefault, bold: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
    }
}

/// Why a theme could not be used.
public enum ThemeError: Error, Equatable, CustomStringConvertible {
    case syntax(file: String, line: Int, message: String)
    case notFound(name: String, searched: [String])
    case unreadable(path: String)

    public var description: String {
        switch self {
        case .syntax(let file, let line, let message): "\(file):\(line): \(message)"
        case .notFound(let name, let searched):
            "unknown theme '\(name)' (looked in \(searched.joined(separator: ", ")); themes are files NAME.theme)"
        case .unreadable(let path): "cannot read theme file \(path)"
        }
    }
}

/// Colours and attributes for every role. Theme files are plain text, one role a line:
///
///     # comment
///     role = FOREGROUND [on BACKGROUND] [bold] [underline]
///
/// where a colour is `#rrggbb`, a number 0-255, `default`, or a name (`black`, `red`,
/// `green`, `yellow`, `blue`, `magenta`, `cyan`, `white`, each also as `bright-NAME`).
/// Roles a file leaves out take the style of its `* = …` line, or without one the built-in
/// dark theme's (so a page state added later gets a colour in every theme).
public struct Theme: Equatable, Sendable {
    public var name: String
    public var styles: [ColorRole: RoleStyle]

    public subscript(role: ColorRole) -> RoleStyle { styles[role] ?? Theme.dark.styles[role]! }

    /// The built-in default (the same as Themes/dark.theme); a page state's role takes
    /// the state's own default colour.
    public static let dark = Theme(
        name: "dark",
        styles: [
            .text: RoleStyle(.rgb(0xD0, 0xD0, 0xD0)),
            .dim: RoleStyle(.rgb(0x6C, 0x6C, 0x6C)),
            .title: RoleStyle(.rgb(0x87, 0xAF, 0xFF), bold: true),
            .border: RoleStyle(.rgb(0x4E, 0x4E, 0x4E)),
            .borderFocused: RoleStyle(.rgb(0x87, 0xAF, 0xFF), bold: true),
            .status: RoleStyle(.rgb(0xD0, 0xD0, 0xD0), on: .rgb(0x26, 0x26, 0x3A)),
            .statusKey: RoleStyle(.rgb(0xFF, 0xD7, 0x5F), on: .rgb(0x26, 0x26, 0x3A), bold: true),
            .error: RoleStyle(.rgb(0xFF, 0x5F, 0x5F), bold: true),
            .cursor: RoleStyle(.rgb(0xFF, 0xFF, 0xFF), bold: true),
            .selection: RoleStyle(.rgb(0xFF, 0xFF, 0xAF)),
            .freed: RoleStyle(.rgb(0xFF, 0x87, 0x5F), bold: true),
            .mixed: RoleStyle(.rgb(0x5F, 0x87, 0xAF)),
            .unreached: RoleStyle(.rgb(0xFF, 0x5F, 0x87), bold: true),
            .pointer: RoleStyle(.rgb(0x5F, 0xD7, 0xD7), underline: true),
            .changed: RoleStyle(.rgb(0xFF, 0xD7, 0x00), bold: true),
            .unbacked: RoleStyle(.rgb(0x80, 0x80, 0x80)),
            .address: RoleStyle(.rgb(0x87, 0x87, 0xAF)),
            .header: RoleStyle(.rgb(0xAF, 0xAF, 0xD7), bold: true),
        ].merging(
            PageState.all.map { state in
                let color = state.traits.defaultColor
                return (
                    ColorRole.of(state), RoleStyle(.rgb(UInt8(color >> 16), UInt8((color >> 8) & 0xFF), UInt8(color & 0xFF)), bold: state.traits.defaultBold)
                )
            }
        ) { fixed, _ in fixed })

    /// Parses a theme file's text; `file` names it in errors.
    public static func parse(_ text: String, name: String, file: String) throws(ThemeError) -> Theme {
        var styles: [ColorRole: RoleStyle] = [:]
        var others: RoleStyle?
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map(\.trimmingSpaces)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .syntax(file: file, line: number + 1, message: "expected 'role = colour', found '\(line)'")
            }
            let role = ColorRole(name: parts[0])
            guard role != nil || parts[0] == "*" else {
                throw .syntax(
                    file: file, line: number + 1,
                    message: "unknown role '\(parts[0])' (roles: \(ColorRole.allCases.map(\.name).joined(separator: ", ")), or * for the others)")
            }
            do throws(ThemeError) {
                let style = try parseStyle(parts[1])
                if let role { styles[role] = style } else { others = style }
            } catch {
                guard case .syntax(_, _, let message) = error else { throw error }
                throw .syntax(file: file, line: number + 1, message: message)
            }
        }
        let fallback = others.map { style in dark.styles.mapValues { _ in style } } ?? dark.styles
        return Theme(name: name, styles: fallback.merging(styles) { _, listed in listed })
    }

    private static func parseStyle(_ text: String) throws(ThemeError) -> RoleStyle {
        let words = text.split(separator: " ").map(String.init)
        guard let first = words.first else { throw .syntax(file: "", line: 0, message: "missing colour") }
        var style = RoleStyle(try parseColor(first))
        var index = 1
        while index < words.count {
            switch words[index] {
            case "on":
                guard index + 1 < words.count else { throw .syntax(file: "", line: 0, message: "'on' needs a background colour") }
                style.background = try parseColor(words[index + 1])
                index += 1
            case "bold": style.bold = true
            case "underline": style.underline = true
            default: throw .syntax(file: "", line: 0, message: "unexpected '\(words[index])' (expected 'on COLOUR', 'bold' or 'underline')")
            }
            index += 1
        }
        return style
    }

    static let colorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    private static func parseColor(_ word: String) throws(ThemeError) -> ThemeColor {
        if word == "default" { return .terminalDefault }
        if word.hasPrefix("#") {
            let digits = word.dropFirst()
            guard digits.count == 6, let value = UInt32(digits, radix: 16) else {
                throw .syntax(file: "", line: 0, message: "bad colour '\(word)' (expected #rrggbb)")
            }
            return .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
        }
        if let number = UInt8(word) { return .index(number) }
        if let index = colorNames.firstIndex(of: word) { return .index(UInt8(index)) }
        if word.hasPrefix("bright-"), let index = colorNames.firstIndex(of: String(word.dropFirst(7))) { return .index(UInt8(index + 8)) }
        throw .syntax(file: "", line: 0, message: "unknown colour '\(word)'")
    }
}

/// How many colours the terminal shows.
public enum ColorDepth: Sendable {
    /// No colours (NO_COLOR, or a terminal without them): attributes only.
    case none
    case basic8
    case basic16
    case xterm256
}

extension ThemeColor {
    /// The curses colour number for `depth`: -1 for the terminal default, nil without colour.
    public func terminalIndex(depth: ColorDepth) -> Int16? {
        switch (self, depth) {
        case (_, .none): return nil
        case (.terminalDefault, _): return -1
        case (.index(let index), .xterm256): return Int16(index)
        case (.index(let index), .basic16): return Int16(index < 16 ? index : Self.nearest(Self.rgb(ofIndex: index), among: 16))
        case (.index(let index), .basic8): return Int16(index < 8 ? index : index < 16 ? index - 8 : Self.nearest(Self.rgb(ofIndex: index), among: 8))
        case (.rgb(let r, let g, let b), .xterm256): return Int16(Self.nearest256(r, g, b))
        case (.rgb(let r, let g, let b), .basic16): return Int16(Self.nearest((r, g, b), among: 16))
        case (.rgb(let r, let g, let b), .basic8): return Int16(Self.nearest((r, g, b), among: 8))
        }
    }

    private static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]
    private static let basicPalette: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static func rgb(ofIndex index: UInt8) -> (UInt8, UInt8, UInt8) {
        let value = Int(index)
        if value < 16 { let c = basicPalette[value]; return (UInt8(c.0), UInt8(c.1), UInt8(c.2)) }
        if value >= 232 { let level = UInt8(8 + (value - 232) * 10); return (level, level, level) }
        let cube = value - 16
        return (UInt8(cubeLevels[cube / 36]), UInt8(cubeLevels[(cube / 6) % 6]), UInt8(cubeLevels[cube % 6]))
    }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
        return dr * dr + dg * dg + db * db
    }

    static func nearest(_ color: (UInt8, UInt8, UInt8), among count: Int) -> UInt8 {
        let target = (Int(color.0), Int(color.1), Int(color.2))
        return UInt8(basicPalette.prefix(count).indices.min { distance(basicPalette[$0], target) < distance(basicPalette[$1], target) }!)
    }

    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let target = (Int(r), Int(g), Int(b))
        func level(_ value: UInt8) -> Int { cubeLevels.indices.min { abs(cubeLevels[$0] - Int(value)) < abs(cubeLevels[$1] - Int(value)) }! }
        let cube = (level(r), level(g), level(b))
        let cubeIndex = 16 + 36 * cube.0 + 6 * cube.1 + cube.2
        let cubeColor = (cubeLevels[cube.0], cubeLevels[cube.1], cubeLevels[cube.2])
        let gray = min(23, max(0, (Int(r) + Int(g) + Int(b)) / 3 - 3) / 10)
        let grayLevel = 8 + gray * 10
        return distance((grayLevel, grayLevel, grayLevel), target) < distance(cubeColor, target) ? UInt8(232 + gray) : UInt8(cubeIndex)
    }
}
