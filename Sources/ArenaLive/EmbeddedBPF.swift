import Foundation

/// A BPF object file compiled from `bpf/NAME.bpf.c` by the BPFCompiler plugin and
/// carried inside the executable.
struct EmbeddedBPF: Sendable {
    let name: String
    let base64: String

    /// The ELF bytes of the object.
    var bytes: [UInt8] { Array(Data(base64Encoded: base64) ?? Data()) }
}
