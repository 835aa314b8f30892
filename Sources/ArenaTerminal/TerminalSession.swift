import ArenaScreen
import ArenaSignals
import Glibc

/// Runs a terminal app until it quits, a signal ends it or the terminal hangs up. The
/// terminal is given back on every way out (quit, an error, and every signal whose default
/// action would end the process: `endingSignals`, Ctrl-\\ included),
/// suspended and taken again around SIGTSTP/SIGCONT, and restored by the crash handler
/// if the process dies.
public enum TerminalSession {
    /// Signals that end the inspector cleanly, the terminal restored: those whose default
    /// action ends the process without a program error behind them (SIGQUIT would also draw
    /// Swift's backtracer over the screen). Crashes are the crash handler's; SIGXFSZ is
    /// ignored by the command line (a recording past a file-size limit fails and says so).
    public static let endingSignals = [
        SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGVTALRM, SIGPROF,
        SIGXCPU, SIGIO, SIGPWR, SIGSTKFLT,
    ]

    /// Events already waiting that are handled before the screen is drawn again.
    static let eventsPerDraw = 512

    public static func run(_ app: TerminalApp, theme: Theme, noColor: Bool) throws(TerminalError) {
        let screen = try TerminalScreen(theme: theme, noColor: noColor)
        defer { screen.restore() }
        let quit = SignalWatch(endingSignals)
        let stop = SignalWatch([SIGTSTP])
        let continued = SignalWatch([SIGCONT])
        defer { withExtendedLifetime((quit, stop, continued)) {} }

        var (width, height) = screen.size
        _ = app.handle(.resize(width: width, height: height))
        var dirty = true
        while !quit.isRaised {
            if stop.take() {
                screen.suspend()
                stop.raiseWithDefaultAction(SIGTSTP)
                screen.resume()
                dirty = true
            }
            if continued.take() {
                screen.resume()
                dirty = true
            }
            if app.tick() { dirty = true }
            let (newWidth, newHeight) = screen.size
            if newWidth != width || newHeight != height {
                (width, height) = (newWidth, newHeight)
                _ = app.handle(.resize(width: width, height: height))
                dirty = true
            }
            if dirty {
                screen.draw(app.render())
                dirty = false
            }
            // At most 50 ms, so signals are noticed; paused or gone sources wait "forever".
            let wait = Int32(min(50, max(0, (app.secondsUntilWork * 1000).rounded(.up))))
            guard var event = screen.readEvent(timeout: wait) else {
                if screen.hasHungUp { return }
                continue
            }
            // Keys already typed (a paste, a held key) are handled together, one draw after
            // them: up to `eventsPerDraw`, so sampling and signals still get their turn.
            for handled in 1...Self.eventsPerDraw {
                switch app.handle(event) {
                case .quit: return
                case .redraw: dirty = true
                case .none: break
                }
                guard handled < Self.eventsPerDraw, !quit.isRaised, let next = screen.readEvent(timeout: 0) else { break }
                event = next
            }
        }
    }
}
