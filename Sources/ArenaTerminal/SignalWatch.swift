import Dispatch
import Glibc
import Synchronization

/// Signals turned into a flag that a loop checks, so no work happens in a signal handler.
/// While the watch lives its signals are ignored by default and only raise the flag; when
/// it goes, their default action is back.
public final class SignalWatch {
    private final class Flag: Sendable { let raised = Atomic<Bool>(false) }
    private let flag = Flag()
    private let signals: [Int32]
    private var sources: [DispatchSourceSignal] = []

    public init(_ signals: [Int32]) {
        self.signals = signals
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [flag] in flag.raised.store(true, ordering: .sequentiallyConsistent) }
            source.resume()
            sources.append(source)
        }
    }

    /// True once one of the signals has come.
    public var isRaised: Bool { flag.raised.load(ordering: .sequentiallyConsistent) }

    /// True when a signal came since the last call; lowers the flag.
    public func take() -> Bool { flag.raised.exchange(false, ordering: .sequentiallyConsistent) }

    deinit {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
