import ArenaScreen
import CNcurses
import Glibc

/// Why the terminal could not be used.
public struct TerminalError: Error, CustomStringConvertible {
    public let description: String
}

/// The only user of ncurses: draws cell grids, reads keys and the mouse, and gives the
/// terminal back. Every call happens on the thread that created it.
public final class TerminalScreen {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    /// Each role's attributes and colour pair (0: the terminal's default colours).
    private var styles: [ColorRole: (attributes: attr_t, pair: Int16)] = [:]
    private var shown: CellGrid?
    private var restored = false

    /// Why the inspector cannot draw here, or nil when it can: stdin and stdout are terminals
    /// and TERM names one that can address the screen (not unset, empty or `dumb`).
    public static var cannotDraw: String? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            return "the inspector needs a terminal; use the headless commands (snapshot, read, chase) in scripts"
        }
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        guard !term.isEmpty, term != "dumb" else {
            return "the inspector cannot draw on terminal type '\(term.isEmpty ? "unset" : term)' (set TERM, e.g. TERM=xterm-256color)"
        }
        return nil
    }

    /// Takes over the terminal (see `cannotDraw`).
    public init(theme: Theme, noColor: Bool) throws(TerminalError) {
        if let why = Self.cannotDraw { throw TerminalError(description: why) }
        Self.chooseUTF8Locale()
        Self.unblockResizeSignal()
        arenascope_install_crash_restore()
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
            let screen = newterm(nil, output, input)
        else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "unset"
            throw TerminalError(description: "cannot use terminal type '\(term)' (set TERM, e.g. TERM=xterm-256color)")
        }
        self.screen = screen
        window = arenascope_standard_window()
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)
        mousemask(arenascope_click_mask(), nil)
        mouseinterval(0)
        setUpColors(theme: theme, noColor: noColor)
    }

    deinit { restore() }

    /// The panes draw box and block characters, which ncursesw mangles in a non-UTF-8 locale
    /// (an unset LANG under CI, cron or `env -i`): take the user's locale when it is UTF-8,
    /// otherwise C.UTF-8 for character handling.
    private static func chooseUTF8Locale() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET))).uppercased()
        if codeset != "UTF-8" && codeset != "UTF8" { setlocale(LC_CTYPE, "C.UTF-8") }
    }

    /// ncurses learns of a resize through SIGWINCH, which a parent may have left blocked
    /// (a shell such as bash passes its own blocked signals on).
    private static func unblockResizeSignal() {
        var resize = sigset_t()
        sigemptyset(&resize)
        sigaddset(&resize, SIGWINCH)
        pthread_sigmask(SIG_UNBLOCK, &resize, nil)
    }

    /// The terminal's size now.
    public var size: (width: Int, height: Int) {
        (Int(arenascope_columns(window)), Int(arenascope_lines(window)))
    }

    private func setUpColors(theme: Theme, noColor: Bool) {
        var depth = ColorDepth.none
        if !noColor && has_colors() {
            start_color()
            use_default_colors()
            let count = arenascope_color_count()
            depth = count >= 256 ? .xterm256 : count >= 16 ? .basic16 : .basic8
        }
        for (index, role) in ColorRole.allCases.enumerated() {
            let style = theme[role]
            var pair: Int16 = 0
            if let foreground = style.foreground.terminalIndex(depth: depth),
                let background = style.background.terminalIndex(depth: depth)
            {
                pair = Int16(index + 1)
                init_pair(pair, foreground, background)
            }
            var attribute: attr_t = 0
            if style.bold { attribute |= arenascope_bold() }
            if style.underline { attribute |= arenascope_underline() }
            styles[role] = (attribute, pair)
        }
    }

    /// Copies `grid` to the terminal, touching only the cells that changed.
    public func draw(_ grid: CellGrid) {
        if shown?.width != grid.width || shown?.height != grid.height {
            werase(window)
            shown = nil
        }
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if let shown, shown[x, y] == cell { continue }
                let style = styles[cell.role] ?? (0, 0)
                let attribute = cell.inverse ? style.attributes | arenascope_reverse() : style.attributes
                var character = cchar_t()
                var text: [wchar_t] = [wchar_t(bitPattern: cell.character.value), 0]
                // The colour pair goes in its own argument: setcchar sets the pair from it,
                // overriding any pair bits in the attributes.
                setcchar(&character, &text, attribute, style.pair, nil)
                mvwadd_wch(window, Int32(y), Int32(x), &character)
            }
        }
        shown = grid
        wnoutrefresh(window)
        doupdate()
    }

    /// Forgets what is on screen, so the next draw repaints everything.
    public func invalidate() {
        shown = nil
        clearok(window, true)
    }

    /// True once the terminal has hung up (its window closed, the ssh connection dropped):
    /// input then only ever reports its end, and no signal may come to say so.
    public var hasHungUp: Bool {
        var input = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&input, 1, 0) == 1 && input.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    /// The next key or click, waiting at most `milliseconds` (nil on timeout).
    public func readEvent(timeout milliseconds: Int32) -> InputEvent? {
        wtimeout(window, milliseconds)
        var key: wint_t = 0
        let status = wget_wch(window, &key)
        if status == ERR { return nil }
        if status == KEY_CODE_YES { return functionKey(Int32(key)) }
        switch key {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(key)) else { return nil }
            return .character(Character(scalar))
        }
    }

    private func functionKey(_ key: Int32) -> InputEvent? {
        switch key {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_RESIZE:
            let (width, height) = size
            return .resize(width: width, height: height)
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            return .click(x: Int(event.x), y: Int(event.y))
        default: return nil
        }
    }

    /// Gives the terminal back for a job-control stop; `resume` takes it again.
    public func suspend() {
        endwin()
    }

    public func resume() {
        invalidate()
        wrefresh(window)
    }

    /// Gives the terminal back for good. Safe to call more than once.
    public func restore() {
        guard !restored else { return }
        restored = true
        endwin()
        delscreen(screen)
    }
}
