import ArgumentParser
import ArenaModel
import ArenaText

/// An address or number given as decimal or `0x` hex.
public struct NumberArgument: ExpressibleByArgument, Sendable, CustomStringConvertible {
    public let value: UInt64

    public init?(argument: String) {
        guard let value = parseNumber(argument) else { return nil }
        self.value = value
    }

    public init(_ value: UInt64) { self.value = value }

    /// How a default value shows in help: the number, not the type.
    public var defaultValueDescription: String { String(value) }
    public var description: String { String(value) }

    public static var defaultCompletionKind: CompletionKind { .default }
}

/// Milliseconds between samples or frames, as `--interval` takes them.
enum SamplingInterval {
    /// The sampler's own range, in milliseconds.
    static let range = UInt32(SamplingBackend.intervals.lowerBound * 1000)...UInt32(SamplingBackend.intervals.upperBound * 1000)

    static func validate(_ milliseconds: UInt32) throws {
        guard range.contains(milliseconds) else {
            throw ValidationError("--interval must be between \(range.lowerBound) and \(range.upperBound) ms")
        }
    }
}

/// `--json` for commands that print either text or JSON.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON on stdout instead of text.")
    var json = false
}
