import Testing
import Glibc
@testable import ArenaLive

/// How an EPERM from the kernel is explained: not gated on live arenas, as no kernel call
/// is made beyond capget and securityfs reads.
@Suite struct RefusalTests {
    @Test(.enabled(if: getuid() == 0 && Capability.missing(Capability.liveInspection).isEmpty, "needs root with every capability"))
    func anEPERMWithTheCapabilitiesHeldIsAPolicyRefusal() {
        let refusal = LiveError.refusal("create an arena", needs: [.bpf])
        #expect(refusal == .refusedByPolicy(action: "create an arena", holding: "CAP_BPF"))
        let text = refusal.description
        #expect(text.hasPrefix("the kernel refused to create an arena although this process has CAP_BPF: a security policy ("), "\(text)")
        if let lockdown = SecurityPolicy.lockdown { #expect(text.contains("lockdown: \(lockdown)")) }
        if let modules = SecurityPolicy.modules { #expect(text.contains("LSMs: \(modules.joined(separator: ", "))")) }
        if SecurityPolicy.lockdown == nil && SecurityPolicy.modules == nil { #expect(text.contains("LSM, lockdown or a sandbox")) }
        #expect(refusal.isRefusal && refusal.leavesMapInfo)
    }

    @Test func capabilitiesAreNamedAsTheKernelSpellsThem() {
        #expect(Capability.names([.bpf]) == "CAP_BPF")
        #expect(Capability.names(Capability.liveInspection) == "CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN")
        let missing = LiveError.notPermitted(action: "inspect live arenas", capability: "CAP_SYS_ADMIN")
        #expect(missing.description == "not permitted to inspect live arenas: this process lacks CAP_SYS_ADMIN (run as root)")
        #expect(!missing.leavesMapInfo && missing.isRefusal)
        #expect(
            LiveError.lockedDown(mode: "confidentiality").description
                == "kernel lockdown (confidentiality) forbids BPF reads of kernel memory, which telling page states apart needs")
    }
}
