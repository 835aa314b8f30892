import Testing
import Glibc
import ArenaSignals

/// Signals reach a watch as a flag, also for a watch made after an earlier one is gone
/// (the picker's session, then the inspector's).
@Suite(.serialized) struct SignalWatchTests {
    /// Waits up to a second for the flag (delivery may be asynchronous).
    private func raisedSoon(_ watch: SignalWatch) -> Bool {
        for _ in 0..<100 where !watch.isRaised { usleep(10_000) }
        return watch.isRaised
    }

    @Test func aSignalRaisesTheFlagUntilTaken() {
        let watch = SignalWatch([SIGUSR1, SIGUSR2])
        #expect(!watch.isRaised)
        kill(getpid(), SIGUSR2)
        #expect(raisedSoon(watch))
        #expect(watch.take())
        #expect(!watch.take())
    }

    @Test func aLaterWatchStillHearsItsSignals() {
        for round in 0..<3 {
            let watch = SignalWatch([SIGUSR1])
            kill(getpid(), SIGUSR1)
            #expect(raisedSoon(watch), "round \(round)")
        }
    }

    @Test func watchesOnlyHearTheirOwnSignals() {
        let first = SignalWatch([SIGUSR1])
        let second = SignalWatch([SIGUSR2])
        kill(getpid(), SIGUSR2)
        #expect(raisedSoon(second))
        #expect(!first.isRaised)
    }

    @Test func aSignalIgnoredOnEntryStaysIgnored() {
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        var original = sigaction()
        sigaction(SIGUSR1, &ignore, &original)
        defer { sigaction(SIGUSR1, &original, nil) }
        let watch = SignalWatch([SIGUSR1, SIGUSR2])
        var during = sigaction()
        sigaction(SIGUSR1, nil, &during)
        #expect(Self.isIgnored(during), "still ignored while watched")
        kill(getpid(), SIGUSR1)
        usleep(50_000)
        #expect(!watch.isRaised)
        kill(getpid(), SIGUSR2)
        #expect(raisedSoon(watch), "the other signal is watched")
    }

    @Test func theEarlierActionComesBackWhenTheWatchGoes() {
        var custom = sigaction()
        custom.__sigaction_handler.sa_handler = { _ in }
        var original = sigaction()
        sigaction(SIGUSR1, &custom, &original)
        defer { sigaction(SIGUSR1, &original, nil) }
        do { _ = SignalWatch([SIGUSR1]) }
        var now = sigaction()
        sigaction(SIGUSR1, nil, &now)
        #expect(unsafeBitCast(now.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(custom.__sigaction_handler.sa_handler, to: Int.self))
    }

    static func isIgnored(_ action: sigaction) -> Bool {
        unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    @Test func aSignalBlockedByTheParentStillArrives() {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR1)
        var before = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &before)
        defer { pthread_sigmask(SIG_SETMASK, &before, nil) }
        let watch = SignalWatch([SIGUSR1])
        raise(SIGUSR1)
        #expect(raisedSoon(watch))
    }

    @Test func aSignalLetThroughOnceIsWatchedAgain() {
        // SIGURG's default action is to do nothing, so letting it through is harmless here.
        let watch = SignalWatch([SIGURG])
        watch.raiseWithDefaultAction(SIGURG)
        #expect(!watch.isRaised, "the default action took it")
        kill(getpid(), SIGURG)
        #expect(raisedSoon(watch), "watched again afterwards")
    }
}
