import Glibc

/// Addresses of kernel variables from /proc/kallsyms (root sees them; others read zeros).
/// Reading the file costs about a tenth of a second, so it is read only where needed.
enum KernelSymbols {
    /// The addresses of `names` that the kernel has, by name.
    static func addresses(of names: Set<String>) -> [String: UInt64] {
        guard let file = fopen("/proc/kallsyms", "r") else { return [:] }
        defer { fclose(file) }
        var found: [String: UInt64] = [:]
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while found.count < names.count, getline(&line, &capacity, file) > 0, let line {
            // "ffffffff82a1b2c0 D page_offset_base"
            let fields = String(cString: line).split(separator: " ", maxSplits: 2)
            guard fields.count == 3 else { continue }
            let name = String(fields[2].prefix { $0 != "\n" && $0 != "\t" })
            if names.contains(name), let address = UInt64(fields[0], radix: 16), address != 0 { found[name] = address }
        }
        return found
    }
}
