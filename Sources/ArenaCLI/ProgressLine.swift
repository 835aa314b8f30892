import ArenaModel
import Foundation
import ArenaText
import Glibc

/// A status line rewritten in place, at most ten times a second, when standard error is
/// a terminal (and nothing otherwise).
final class ProgressLine {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var lastShown = -Double.infinity
    private var shown = false

    func show(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        let now = monotonicSeconds()
        guard now - lastShown >= 0.1 else { return }
        lastShown = now
        shown = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text().terminalSafe).utf8))
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
