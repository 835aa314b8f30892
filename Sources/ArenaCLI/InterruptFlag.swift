import Dispatch
import Glibc
import Synchronization

/// SIGINT and SIGTERM turned into a flag that a long-running loop checks, so it can stop
/// cleanly (a recording writes its index) instead of dying.
final class InterruptFlag {
    private final class Box: Sendable { let raised = Atomic<Bool>(false) }
    private let box = Box()
    private var sources: [DispatchSourceSignal] = []
    private static let signals = [SIGINT, SIGTERM]

    init() {
        for number in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [box] in box.raised.store(true, ordering: .sequentiallyConsistent) }
            source.resume()
            sources.append(source)
        }
    }

    var isRaised: Bool { box.raised.load(ordering: .sequentiallyConsistent) }

    deinit {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
