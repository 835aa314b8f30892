import ArgumentParser
import ArenaModel

/// An address or number given as decimal or `0x` hex.
public struct NumberArgument: ExpressibleByArgument, Sendable {
    public let value: UInt64

    public init?(argument: String) {
        let text = argument.lowercased()
        if text.hasPrefix("0x") {
            guard let value = UInt64(text.dropFirst(2), radix: 16) else { return nil }
            self.value = value
        } else {
            guard let value = UInt64(text) else { return nil }
            self.value = value
        }
    }

    public static var defaultCompletionKind: CompletionKind { .default }
}

/// `--json` for commands that print either text or JSON.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON on stdout instead of text.")
    var json = false
}
