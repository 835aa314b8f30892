import CLibBPF
import Glibc

/// Arena kfuncs called where a program cannot sleep (bpf/nonsleepable.bpf.c), for the live
/// tests of 7.0+ kernels: frees there are deferred, and a faulting load gets the scratch
/// page (7.1+). Holding it keeps the arena alive.
public final class NonSleepablePrograms {
    private let object: BPFObject

    /// Binds the programs to the arena behind `arenaFD` (which needs a user address);
    /// fails where the kernel does not defer frees (before 7.0) or refuses the programs.
    public init(arenaFD: Int32) throws(LiveError) {
        guard KernelSupport.defersFrees else {
            throw .unsupported("Linux \(KernelSupport.release) frees arena pages at once (deferred frees came in 7.0)")
        }
        object = try BPFObject(.nonsleepable) { object throws(LiveError) in try object.reuseMap("arena", fd: arenaFD) }
    }

    private func run(_ program: String, _ first: UInt64, _ second: UInt64 = 0) throws(LiveError) -> Int32 {
        var arguments = (first, second)
        return try runProgram(try object.programFD(program), &arguments)
    }

    /// Allocates and frees `pages` pages one at a time, then keeps the CPU for `idleSteps`
    /// empty loop steps with the frees still queued. Returns the pages freed.
    @discardableResult
    public func freeDeferred(pages: UInt32, idleSteps: UInt32) throws(LiveError) -> Int32 {
        try run("free_deferred", UInt64(pages), UInt64(idleSteps))
    }

    /// `bpf_arena_reserve_pages`: 0 or a negative errno.
    public func reserve(_ address: UInt64, pages: UInt32) throws(LiveError) -> Int32 {
        try run("reserve", address, UInt64(pages))
    }

    /// Loads the word at `address` from a program that uses the arena, with an arena load
    /// and, given the arena's kernel window, through the kernel's copy: a fault where the
    /// page is not allocated, which 7.1+ may answer with its scratch page.
    public func touch(_ address: UInt64, kernelWindow: UInt64 = 0) throws(LiveError) {
        _ = try run("touch", address, kernelWindow)
    }
}
