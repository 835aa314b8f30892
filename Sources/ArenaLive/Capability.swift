import CLibBPF

/// The capabilities live inspection needs, checked against this process's effective set
/// (capget) so that a refusal names what is missing, or says that nothing is.
public enum Capability: Int, CaseIterable, Sendable {
    case sysAdmin = 21
    case perfmon = 38
    case bpf = 39

    public var name: String {
        switch self {
        case .sysAdmin: "CAP_SYS_ADMIN"
        case .perfmon: "CAP_PERFMON"
        case .bpf: "CAP_BPF"
        }
    }

    /// What looking at live arenas takes: loading the sampler (CAP_BPF, CAP_PERFMON) and
    /// opening maps and programs by id (CAP_SYS_ADMIN).
    public static let liveInspection: [Capability] = [.bpf, .perfmon, .sysAdmin]

    /// This process's effective set; nil where capget fails (then nothing is called missing).
    private static let effective: UInt64? = {
        var set: UInt64 = 0
        return as_effective_capabilities(&set) == 0 ? set : nil
    }()

    /// Whether this process holds it. CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON,
    /// as the kernel's `bpf_capable()` and `perfmon_capable()` let it.
    var isHeld: Bool {
        guard let effective = Self.effective else { return true }
        func has(_ capability: Capability) -> Bool { effective & (1 << UInt64(capability.rawValue)) != 0 }
        return has(self) || (self != .sysAdmin && has(.sysAdmin))
    }

    /// Fails naming what is missing where this process lacks what live inspection takes.
    static func requireLiveInspection() throws(LiveError) {
        let missing = missing(liveInspection)
        guard missing.isEmpty else { throw .notPermitted(action: "inspect live arenas", capability: names(missing)) }
    }

    /// Those of `needed` this process lacks.
    public static func missing(_ needed: [Capability]) -> [Capability] { needed.filter { !$0.isHeld } }

    /// "CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN".
    static func names(_ capabilities: [Capability]) -> String {
        let names = capabilities.map(\.name)
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}
