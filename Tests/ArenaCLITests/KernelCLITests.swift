import Testing
import Foundation
import Glibc
import ArenaLive

/// What the command line says about the kernel it runs on and what it allows. Not gated on
/// live arenas: each test checks one kind of host, the one `LiveDiagnosis` says this is
/// (scripts/test-kernels boots a kernel without arenas, and lockdown in both modes), and
/// `ARENASCOPE_EXPECT_REFUSAL` (set by scripts/test-kernels) says what the diagnosis must be.
@Suite(.serialized) struct KernelCLITests {
    /// The live commands that need the sampler, and an arena id that need not exist.
    static let samplingCommands = [["snapshot", "--map-id", "1"], ["export", "--once"], ["demo", "--live", "--headless"]]

    static var hasNoArenas: Bool { if case .unsupported? = LiveDiagnosis.sampling { true } else { false } }
    static var isLockedDown: Bool { if case .lockedDown? = LiveDiagnosis.sampling { true } else { false } }
    static var refusesArenasByPolicy: Bool { if case .refusedByPolicy? = LiveDiagnosis.arenaCreation { true } else { false } }
    /// util-linux's setpriv (busybox's cannot change user ids).
    static let setpriv: String? = access("/usr/bin/setpriv", X_OK) == 0 ? "/usr/bin/setpriv" : nil

    @Test func theDiagnosisIsWhatTheHostRefuses() throws {
        let expected = ProcessInfo.processInfo.environment["ARENASCOPE_EXPECT_REFUSAL"]
        let found =
            switch (LiveDiagnosis.sampling, LiveDiagnosis.arenaCreation) {
            case (nil, nil): "none"
            case (.unsupported?, _): "unsupported"
            case (.lockedDown?, _): "lockdown"
            case (.refusedByPolicy?, _), (nil, .refusedByPolicy?): "policy"
            default: "other: \(String(describing: LiveDiagnosis.refusal))"
            }
        print(
            "Linux \(KernelSupport.release): lockdown \(SecurityPolicy.lockdown ?? "unknown"), LSMs \(SecurityPolicy.modules?.joined(separator: ",") ?? "unknown"): refusal \(found)"
        )
        if let expected { #expect(found == expected, "\(String(describing: LiveDiagnosis.refusal))") }
        // Where securityfs names lockdown's mode, the diagnosis agrees with it.
        if SecurityPolicy.lockdown == "confidentiality" && !Self.hasNoArenas { #expect(found == "lockdown") }
        if SecurityPolicy.lockdown == "integrity" || SecurityPolicy.lockdown == "none" { #expect(found != "lockdown") }
    }

    @Test(.enabled(if: hasNoArenas, "this kernel has arenas")) func liveCommandsNameTheKernelWhereItHasNoArenas() throws {
        guard case .unsupported(let why)? = LiveDiagnosis.sampling else { return }
        let result = try BinaryRunner.run(["list", "--json"])
        // One line naming the kernel and what it lacks, exit 69; the same for every live command.
        #expect(result.status == 69 && result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("Linux \(KernelSupport.release)") && result.stderr.contains(why))
        for arguments in Self.samplingCommands {
            let other = try BinaryRunner.run(arguments)
            #expect(
                other.status == 69 && other.stderrLines.count == 1 && other.stderr.contains("Linux \(KernelSupport.release)"), "\(arguments): \(other.stderr)")
        }
        print("Linux \(KernelSupport.release): \(why)")
    }

    @Test(
        .enabled(if: setpriv != nil && !hasNoArenas && getuid() == 0, "needs setpriv, root and a kernel with arenas"),
        arguments: [["list"], ["export"], ["snapshot", "--map-id", "1"], ["demo", "--live"]])
    func missingCapabilitiesAreNamed(arguments: [String]) throws {
        let setpriv = URL(fileURLWithPath: Self.setpriv ?? "")
        // As nobody: no capabilities at all.
        let unprivileged = try BinaryRunner.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", BinaryRunner.binary.path] + arguments,
            executable: setpriv)
        #expect(unprivileged.status == 77 && unprivileged.stderrLines.count == 1, "\(unprivileged.stderr)")
        #expect(unprivileged.stderr.hasPrefix("arenascope: error: not permitted"), "\(unprivileged.stderr)")
        let named =
            arguments[0] == "demo"
            ? "lacks CAP_BPF (run as root); 'arenascope demo' runs the emulated demo" : "lacks CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN (run as root)"
        #expect(unprivileged.stderr.contains(named), "\(unprivileged.stderr)")
        // Root without CAP_SYS_ADMIN in its bounding set: only that is named.
        guard arguments[0] != "demo" else { return }
        let partial = try BinaryRunner.run(
            ["--bounding-set=-sys_admin", "--inh-caps=-all", "--", BinaryRunner.binary.path] + arguments,
            executable: setpriv)
        #expect(partial.status == 77 && partial.stderr.contains("this process lacks CAP_SYS_ADMIN (run as root)"), "\(partial.stderr)")
    }

    @Test(.enabled(if: isLockedDown, "kernel lockdown does not forbid kernel reads here"))
    func underLockdownListAndRootsWorkWithoutPageStates() throws {
        // Arenas can be made under lockdown; only reading kernel memory is forbidden.
        let program = try RootsProgram()
        try program.add(3, first: 7)
        let id = try program.arenaID
        let list = try BinaryRunner.run(["list", "--json"])
        #expect(list.status == 0 && list.stderrLines.count == 1, "\(list.stderr)")
        #expect(list.stderr.contains("page states are not shown: kernel lockdown (confidentiality) forbids BPF reads of kernel memory"), "\(list.stderr)")
        let arenas = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let entry = try #require(arenas.first { $0["id"] as? UInt32 == id })
        #expect(entry["free"] is NSNull && entry["allocated"] is NSNull, "no page states")
        #expect(entry["max_pages"] as? Int ?? 0 > 0 && entry["user_vm_start"] as? UInt64 ?? 0 != 0)
        #expect((entry["programs"] as? [[String: Any]])?.map { $0["name"] as? String } == ["add_elems"])
        #expect((entry["pids"] as? [[String: Any]])?.contains { $0["pid"] as? Int32 == getpid() && $0["comm"] is String } == true)
        #expect((entry["globals"] as? [String: Any])?["at"] as? String == "start")
        let text = try BinaryRunner.run(["list"])
        #expect(text.status == 0 && text.stdout.contains("add_elems"), "\(text.stderr)")

        let roots = try #require((try BinaryRunner.json(["roots", "--map-id", String(id), "--json"]) as? [String: Any])?["roots"] as? [[String: Any]])
        #expect(roots.contains { $0["name"] as? String == "list" && $0["origin"] as? String == "arena global" }, "\(roots)")
        #expect(roots.contains { $0["name"] as? String == "list_ptr" }, "pointers held in the program's .bss")

        for arguments in [["snapshot", "--map-id", String(id)], ["export", "--once"], ["demo", "--live", "--headless"]] {
            let refused = try BinaryRunner.run(arguments)
            #expect(refused.status == 77 && refused.stderrLines.count == 1, "\(arguments): \(refused.stderr)")
            #expect(
                refused.stderr.contains("kernel lockdown (confidentiality) forbids BPF reads of kernel memory, which telling page states apart needs"),
                "\(arguments): \(refused.stderr)")
        }
    }

    @Test(.enabled(if: refusesArenasByPolicy, "no policy refuses arenas here"))
    func aPolicyThatRefusesArenasIsNamed() throws {
        let demo = try BinaryRunner.run(["demo", "--live", "--headless"])
        #expect(demo.status == 77 && demo.stderrLines.count == 1, "\(demo.stderr)")
        #expect(demo.stderr.contains("the kernel refused to create an arena although this process has CAP_BPF: a security policy ("), "\(demo.stderr)")
        let list = try BinaryRunner.run(["list"])
        if LiveDiagnosis.sampling == nil {
            #expect(list.status == 0, "\(list.stderr)")
            // The hint to make one with demo --live is not given where that cannot work.
            #expect(!list.stdout.contains("makes a real one"))
            if list.stdout.hasPrefix("no arenas") { #expect(list.stdout.contains("cannot make one here: the kernel refused to create an arena")) }
        } else {
            #expect(list.status == 77 && list.stderrLines.count == 1, "\(list.stderr)")
        }
    }
}
