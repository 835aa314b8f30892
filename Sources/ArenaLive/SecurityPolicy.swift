import Foundation

/// The kernel's security policy as securityfs shows it: lockdown's mode and the active
/// LSMs, read once, to name what refused an arena or a program that the capabilities
/// allowed. Nothing here changes the policy or works around it.
public enum SecurityPolicy {
    static let securityfs = "/sys/kernel/security"

    /// Lockdown's mode ("none", "integrity", "confidentiality"); nil where securityfs is not
    /// mounted or the kernel has no lockdown LSM.
    public static let lockdown: String? = {
        guard let text = read("lockdown") else { return nil }
        // "none [integrity] confidentiality": the mode in force is bracketed.
        guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else { return nil }
        return String(text[text.index(after: open)..<close])
    }()

    /// The active LSMs in order ("lockdown", "capability", "landlock", "bpf"); nil where
    /// securityfs cannot be read.
    public static let modules: [String]? = read("lsm").map { $0.split(separator: ",").map(String.init) }

    /// What a refusal the capabilities do not explain comes from, as far as this machine tells:
    /// "a security policy (lockdown: integrity; LSMs: lockdown, capability, landlock, bpf)".
    static var refusalSource: String {
        var known: [String] = []
        if let lockdown { known.append("lockdown: \(lockdown)") }
        if let modules { known.append("LSMs: \(modules.joined(separator: ", "))") }
        guard !known.isEmpty else {
            return "a security policy (LSM, lockdown or a sandbox; securityfs at \(securityfs) would name it)"
        }
        return "a security policy (\(known.joined(separator: "; ")))"
    }

    private static func read(_ name: String) -> String? {
        guard let text = try? String(contentsOfFile: "\(securityfs)/\(name)", encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed.filter { !$0.isNewline && $0.isASCII }
    }
}
