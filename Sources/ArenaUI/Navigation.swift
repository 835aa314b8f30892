import ArenaModel

/// Where the user is, shared by the panes: the selected page, the hexdump's cursor word,
/// the addresses followed to get there, and the chain the chase pane walks. Its methods keep
/// it whole (the cursor word aligned, the history bounded); `InspectorApp` owns it.
struct Navigation {
    /// The page map's cursor: the page holding `address` after a move, any page after a
    /// selection in the page map.
    private(set) var page: UInt32 = 0
    /// The hexdump's cursor: the address of the selected word, 8-byte aligned.
    private(set) var address: UInt64 = 0
    /// Addresses left by following pointers, newest last (Backspace goes back).
    private(set) var history: [UInt64] = []
    /// The chain starts at `chainNode` and follows the pointer at `chainOffset` (named
    /// `chainField` when chosen by field).
    private(set) var chainNode: UInt64 = 0
    private(set) var chainOffset: UInt64 = 0
    private(set) var chainField: String?
    /// Also read 32-bit words as pointers.
    var pointer32 = false
    /// The structure root `o` showed last.
    private var rootIndex = -1

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

    /// Selects `page` in the page map, leaving the cursor word where it is.
    mutating func select(page: UInt32) { self.page = page }

    /// The address left last, taken off the history.
    mutating func takeLastLeft() -> UInt64? { history.popLast() }

    /// The index of the next of `count` roots for `o`.
    mutating func nextRoot(of count: Int) -> Int {
        rootIndex = (rootIndex + 1) % count
        return rootIndex
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
