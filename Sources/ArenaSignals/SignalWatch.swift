import Glibc
import Synchronization

/// One bit per signal number that has arrived and not been taken yet. The handler below
/// only sets a bit (an atomic operation, safe in a signal handler); loops read the bits.
private let arrivedSignals = Atomic<UInt64>(0)

private func noteArrival(_ number: Int32) {
    arrivedSignals.bitwiseOr(1 << UInt64(number), ordering: .sequentiallyConsistent)
}

/// Signals turned into a flag that a loop checks, so no work happens in a signal handler.
/// While the watch lives its signals only raise the flag (and interrupt a waiting `poll`);
/// when it goes, the actions they had before come back. A signal ignored on entry stays
/// ignored (a script's background job, `nohup`), as Unix programs do; the others are
/// unblocked in the creating thread, which a parent may have started with them blocked.
public final class SignalWatch {
    private let mask: UInt64
    private var earlier: [(number: Int32, action: sigaction)] = []
    /// The watched signals that were blocked before, blocked again when the watch goes.
    private var blockedBefore = sigset_t()

    public init(_ signals: [Int32]) {
        precondition(signals.allSatisfy { $0 > 0 && $0 < 64 })
        mask = signals.reduce(0) { $0 | 1 << UInt64($1) }
        arrivedSignals.bitwiseAnd(~mask, ordering: .sequentiallyConsistent)
        var watched = sigset_t()
        sigemptyset(&watched)
        for number in signals {
            var before = sigaction()
            sigaction(number, nil, &before)
            if unsafeBitCast(before.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = noteArrival
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
            earlier.append((number, before))
            sigaddset(&watched, number)
        }
        var previous = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &watched, &previous)
        sigemptyset(&blockedBefore)
        for (number, _) in earlier where sigismember(&previous, number) == 1 { sigaddset(&blockedBefore, number) }
    }

    /// True once one of the signals has come.
    public var isRaised: Bool { arrivedSignals.load(ordering: .sequentiallyConsistent) & mask != 0 }

    /// True when a signal came since the last call; lowers the flag.
    public func take() -> Bool {
        arrivedSignals.bitwiseAnd(~mask, ordering: .sequentiallyConsistent).oldValue & mask != 0
    }

    /// Lets `number`, one of the watched signals, take its default action now (SIGTSTP
    /// stops the process here until SIGCONT), then watches it again.
    public func raiseWithDefaultAction(_ number: Int32) {
        var fallback = sigaction()
        fallback.__sigaction_handler.sa_handler = SIG_DFL
        var watching = sigaction()
        sigaction(number, &fallback, &watching)
        raise(number)
        sigaction(number, &watching, nil)
    }

    deinit {
        pthread_sigmask(SIG_BLOCK, &blockedBefore, nil)
        for (number, action) in earlier.reversed() {
            var action = action
            sigaction(number, &action, nil)
        }
    }
}
