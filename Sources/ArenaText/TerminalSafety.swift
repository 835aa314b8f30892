extension Unicode.Scalar {
    /// C0 controls, DEL and C1 controls: what drives a terminal rather than showing on it.
    /// Text from files, BTF or arguments that could reach a terminal is checked with this.
    public var isTerminalControl: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}

extension String {
    /// The text with every terminal control replaced by '?': safe to print anywhere, on one line.
    public var terminalSafe: String {
        // Printable ASCII, by far the commonest text, is safe as it is.
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map { $0.isTerminalControl ? "?" : $0 }))
    }

    /// The same for text of several lines: line breaks stay.
    public var terminalSafeLines: String {
        split(separator: "\n", omittingEmptySubsequences: false).map { String($0).terminalSafe }.joined(separator: "\n")
    }
}
