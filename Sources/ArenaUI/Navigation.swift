import ArenaModel

/// Where the user is, shared by the panes: the selected page, the hexdump's cursor word,
/// the addresses followed to get there, and the chain the chase pane walks.
struct Navigation {
    /// The page map's cursor.
    var page: UInt32 = 0
    /// The hexdump's cursor: the address of the selected word.
    var address: UInt64 = 0
    /// Addresses left by following pointers, newest last (Backspace goes back).
    var history: [UInt64] = []
    /// The chain starts at `chainNode` and follows the pointer at `chainOffset` (named
    /// `chainField` when chosen by field).
    var chainNode: UInt64 = 0
    var chainOffset: UInt64 = 0
    var chainField: String?
    /// Also read 32-bit words as pointers.
    var pointer32 = false
    /// The structure root `o` showed last.
    var rootIndex = -1

    static let historyLimit = 256

    /// Moves the cursor to `address` (word-aligned) and the page map with it; the address
    /// left is remembered when asked.
    mutating func move(to address: UInt64, page: UInt32, remember: Bool) {
        // Going where the cursor already is leaves nothing to come back to.
        if remember && self.address != 0 && self.address != address & ~7 { history.append(self.address) }
        if history.count > Self.historyLimit { history.removeFirst() }
        self.address = address & ~7
        self.page = page
    }

    /// The chain from `node` through the pointer at `offset`.
    mutating func chain(from node: UInt64, offset: UInt64, field: String? = nil) {
        chainNode = node
        chainOffset = offset
        chainField = field
    }

    /// The cursor's offset inside the chain's node, when it lies inside one page of it.
    var offsetInChainNode: UInt64? {
        address >= chainNode && address - chainNode < 4096 ? address - chainNode : nil
    }
}
