import Testing
import Foundation
import ArenaLive

/// What the command line says about the kernel it runs on. Not gated on BPF: on a kernel
/// without arenas (before 6.9; scripts/test-kernels boots one) this is what is tested.
@Suite struct KernelCLITests {
    @Test func liveCommandsNameTheKernelWhereItHasNoArenas() throws {
        let result = try BinaryRunner.run(["list", "--json"])
        guard case .unsupported(let why)? = LiveAvailability.refusal else {
            #expect(result.status == 0 || result.status == 77, "\(result.stderr)")
            return
        }
        // One line naming the kernel and what it lacks, exit 69; the same for every live command.
        #expect(result.status == 69 && result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("Linux \(KernelSupport.release)") && result.stderr.contains(why))
        for arguments in [["snapshot", "--map-id", "1"], ["export", "--once"], ["demo", "--live", "--headless"]] {
            let other = try BinaryRunner.run(arguments)
            #expect(other.status == 69 && other.stderrLines.count == 1 && other.stderr.contains("Linux \(KernelSupport.release)"), "\(arguments): \(other.stderr)")
        }
        print("Linux \(KernelSupport.release): \(why)")
    }
}
