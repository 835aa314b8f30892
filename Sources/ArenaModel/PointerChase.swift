/// One node visited while following pointers.
public struct ChaseHop: Sendable, Hashable {
    /// User address of the node.
    public var address: UInt64
    /// Page index of the node.
    public var page: UInt32
    /// The word read at `address + offset`.
    public var value: UInt64
}

/// Why a chase ended.
public enum ChaseStop: String, Sendable {
    /// The pointer was 0.
    case null
    /// The word is not a pointer into the arena.
    case notArena = "not_arena"
    /// The next node lies in a page with nothing behind it.
    case unbacked
    /// The next node was visited already.
    case cycle
    /// The hop limit was reached.
    case max
}

/// A chain of nodes and the reason it ended.
public struct ChaseResult: Sendable, Hashable {
    public var hops: [ChaseHop]
    public var stop: ChaseStop
}

extension ArenaReader {
    /// Follows the pointer stored at `node + offset`, node after node, starting at `start`
    /// (which must be readable). At most `maxHops` nodes are listed.
    public mutating func chase(
        from start: UInt64, offset: UInt64, maxHops: Int, decoder: PointerDecoder, width: Int = 8
    ) throws -> ChaseResult {
        var hops: [ChaseHop] = []
        var seen: Set<UInt64> = []
        var node = start
        while hops.count < maxHops {
            let (slot, overflow) = node.addingReportingOverflow(offset)
            if overflow { throw ReadError.outsideArena(address: UInt64.max, start: geometry.userVMStart, end: geometry.userVMEnd) }
            let value: UInt64
            do {
                value = try word(at: slot, width: width)
            } catch ReadError.notBacked where !hops.isEmpty {
                return ChaseResult(hops: hops, stop: .unbacked)
            }
            hops.append(ChaseHop(address: node, page: try backedPage(at: slot), value: value))
            seen.insert(node)
            guard value != 0 else { return ChaseResult(hops: hops, stop: .null) }
            guard let next = decoder.target(of: value) else { return ChaseResult(hops: hops, stop: .notArena) }
            if seen.contains(next) { return ChaseResult(hops: hops, stop: .cycle) }
            guard let page = geometry.page(containing: next), snapshot.pages.state(ofPage: page).isBacked else {
                return ChaseResult(hops: hops, stop: .unbacked)
            }
            node = next
        }
        return ChaseResult(hops: hops, stop: .max)
    }
}
