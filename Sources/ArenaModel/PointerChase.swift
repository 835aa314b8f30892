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

/// A chain walked as far as it could be: `chase(continuing:)` walks on from where it stopped
/// (a page not read yet) without walking its first nodes again.
public struct ChaseProgress: Sendable {
    public fileprivate(set) var hops: [ChaseHop] = []
    fileprivate var seen: Set<UInt64> = []
    fileprivate var node: UInt64

    public init(from start: UInt64) { node = start }
}

extension ArenaReader {
    /// Follows the pointer stored at `node + offset`, node after node, starting at `start`
    /// (which must be readable). At most `maxHops` nodes are listed.
    public mutating func chase(
        from start: UInt64, offset: UInt64, maxHops: Int, decoder: PointerDecoder, width: Int = 8
    ) throws -> ChaseResult {
        var progress = ChaseProgress(from: start)
        return try chase(continuing: &progress, offset: offset, maxHops: maxHops, decoder: decoder, width: width)
    }

    /// `chase(from:)` from where `progress` stopped; when a read fails, `progress` holds the
    /// nodes walked before it.
    public mutating func chase(
        continuing progress: inout ChaseProgress, offset: UInt64, maxHops: Int, decoder: PointerDecoder, width: Int = 8
    ) throws -> ChaseResult {
        while progress.hops.count < maxHops {
            let node = progress.node
            let (slot, overflow) = node.addingReportingOverflow(offset)
            if overflow { throw ReadError.outsideArena(address: UInt64.max, start: geometry.userVMStart, end: geometry.userVMEnd) }
            let value: UInt64
            do {
                value = try word(at: slot, width: width)
            } catch ReadError.notBacked where !progress.hops.isEmpty {
                return ChaseResult(hops: progress.hops, stop: .unbacked)
            }
            progress.hops.append(ChaseHop(address: node, page: try backedPage(at: slot), value: value))
            progress.seen.insert(node)
            guard value != 0 else { return ChaseResult(hops: progress.hops, stop: .null) }
            guard let next = decoder.target(of: value) else { return ChaseResult(hops: progress.hops, stop: .notArena) }
            if progress.seen.contains(next) { return ChaseResult(hops: progress.hops, stop: .cycle) }
            guard let page = geometry.page(containing: next), snapshot.pages.state(ofPage: page).isBacked else {
                return ChaseResult(hops: progress.hops, stop: .unbacked)
            }
            progress.node = next
        }
        return ChaseResult(hops: progress.hops, stop: .max)
    }
}
