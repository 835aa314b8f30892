import Glibc

/// Makes a system call again while it fails with EINTR (a signal arrived during it);
/// returns what the last call returned, `errno` telling why when it is negative.
public func retryingInterrupted<Result: BinaryInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}
