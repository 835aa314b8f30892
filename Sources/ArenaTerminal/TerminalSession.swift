import ArenaUI
import Dispatch
import Glibc
import Synchronization

/// Signals turned into flags the event loop reads (no work in signal handlers).
private final class SignalFlags: Sendable {
    let quit = Atomic<Bool>(false)
    let stop = Atomic<Bool>(false)
    let continued = Atomic<Bool>(false)
}

/// Runs a terminal app until it quits or a signal ends it. The terminal is given back
/// on every way out: quit, SIGINT, SIGTERM, SIGHUP, an error; suspended and taken again
/// around SIGTSTP/SIGCONT; restored by the crash handler if the process dies.
public enum TerminalSession {
    public static func run(_ app: TerminalApp, theme: Theme, noColor: Bool) throws(TerminalError) {
        let screen = try TerminalScreen(theme: theme, noColor: noColor)
        defer { screen.restore() }
        let flags = SignalFlags()
        var sources: [DispatchSourceSignal] = []
        for (signalNumber, action) in [(SIGINT, 0), (SIGTERM, 0), (SIGHUP, 0), (SIGTSTP, 1), (SIGCONT, 2)] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                switch action {
                case 0: flags.quit.store(true, ordering: .sequentiallyConsistent)
                case 1: flags.stop.store(true, ordering: .sequentiallyConsistent)
                default: flags.continued.store(true, ordering: .sequentiallyConsistent)
                }
            }
            source.resume()
            sources.append(source)
        }
        defer {
            for source in sources { source.cancel() }
            for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT] { signal(signalNumber, SIG_DFL) }
        }

        var (width, height) = screen.size
        _ = app.handle(.resize(width: width, height: height))
        var dirty = true
        while !flags.quit.load(ordering: .sequentiallyConsistent) {
            if flags.stop.exchange(false, ordering: .sequentiallyConsistent) {
                screen.suspend()
                signal(SIGTSTP, SIG_DFL)
                raise(SIGTSTP)
                signal(SIGTSTP, SIG_IGN)
                screen.resume()
                dirty = true
            }
            if flags.continued.exchange(false, ordering: .sequentiallyConsistent) {
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
            guard let event = screen.readEvent(timeout: wait) else { continue }
            switch app.handle(event) {
            case .quit: return
            case .redraw: dirty = true
            case .none: break
            }
        }
    }
}
