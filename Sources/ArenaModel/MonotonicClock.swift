#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock: for sampling intervals and latencies.
public func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Sleeps until `deadline` on the monotonic clock, in slices of at most `slice` seconds, and
/// returns early once `stop` says so (a signal came): true when the deadline came. The loops
/// that pace a backend by its clock (the headless demo, record, export) wait with it.
@discardableResult
public func sleep(until deadline: Double, slice: Double = 0.05, unless stop: () -> Bool) -> Bool {
    while !stop() {
        let left = deadline - monotonicSeconds()
        guard left > 0 else { return true }
        let nap = min(left, slice)
        var time = timespec(tv_sec: Int(nap), tv_nsec: Int((nap - nap.rounded(.down)) * 1e9))
        nanosleep(&time, nil)
    }
    return false
}
