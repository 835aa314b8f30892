import Foundation
import Testing
import CLibBPF
@testable import ArenaLive

/// Not a test of arenascope but the setup of scripts/test-kernels' deny-arenas boot: loads
/// the BPF LSM program in `ARENASCOPE_INSTALL_ARENA_DENIAL` (Tests/Fixtures/deny_arenas.bpf.c)
/// and pins its link, so that the suites run after it on a kernel that refuses arenas to
/// root, as hardened hosts do. It only runs where that variable is set (inside that VM).
@Suite struct ArenaPolicyFixture {
    static let object = ProcessInfo.processInfo.environment["ARENASCOPE_INSTALL_ARENA_DENIAL"]
    static let pin = "/sys/fs/bpf/arenascope_deny_arenas"

    @Test(.enabled(if: object != nil, "only scripts/test-kernels' deny-arenas boot installs the policy"))
    func installArenaDenial() throws {
        let opened = try #require(bpf_object__open(Self.object!), "opening \(Self.object!)")
        #expect(bpf_object__load(opened) == 0, "the BPF LSM must be active (lsm=...,bpf)")
        let program = try #require(bpf_object__find_program_by_name(opened, "deny_arenas"))
        let link = try #require(bpf_program__attach_lsm(program), "attaching: errno \(errno)")
        #expect(bpf_link__pin(link, Self.pin) == 0, "pinning: errno \(errno)")
        // Root, holding every capability, is now refused an arena, and told it is a policy.
        #expect(throws: LiveError.refusedByPolicy(action: "create an arena", holding: "CAP_BPF")) {
            close(try LiveWorkload.createArena(pages: 1, at: 1 << 32))
        }
    }
}
