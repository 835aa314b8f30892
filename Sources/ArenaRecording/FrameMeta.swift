import ArenaModel

/// One frame's description: page states (all of them in a keyframe, the changed ranges
/// otherwise), the source's details and structure roots, which pages' bytes changed,
/// the compressed blocks that hold them, and in a keyframe where every known page's
/// bytes were last stored.
struct FrameMeta: Equatable {
    struct StateChange: Equatable {
        var first: UInt32
        var count: UInt32
        var state: PageState
    }

    /// How a page's bytes are given in a frame.
    enum PageBytes: Equatable {
        case zero
        /// The n-th stored page of the frame's data blocks.
        case stored(Int)
    }

    struct Block: Equatable {
        var rawCount: UInt32
        var packedCount: UInt32
        var crc: UInt32
    }

    /// Frame holding a page's bytes, or `zeroFrame` when they are all zero.
    static let zeroFrame = UInt32.max

    var isKey: Bool
    /// Keyframes: every page's state as runs.
    var runs: [PageRun] = []
    /// Other frames: ranges whose state differs from the frame before.
    var changes: [StateChange] = []
    var details: [(key: String, value: SourceDescriptor.DetailValue)] = []
    var roots: [StructureRoot] = []
    /// Objects the roots reached, by type, when the recorder counted them (version 3).
    var tallies: [TypeTally]?
    /// Pages whose bytes are given by this frame, in page order.
    var pages: [(page: UInt32, bytes: PageBytes)] = []
    var blocks: [Block] = []
    /// Keyframes: every page whose bytes are known, with the frame that stored them.
    var contentTable: [(page: UInt32, frame: UInt32)] = []

    static func == (lhs: FrameMeta, rhs: FrameMeta) -> Bool {
        lhs.encoded() == rhs.encoded()
    }

    /// Stored pages (not zero ones).
    var storedCount: Int { pages.reduce(0) { $0 + ($1.bytes == .zero ? 0 : 1) } }

    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.u8(isKey ? 1 : 0)
        if isKey {
            writer.u32(UInt32(runs.count))
            for run in runs {
                writer.u8(run.state.rawValue)
                writer.u32(run.count)
            }
        } else {
            writer.u32(UInt32(changes.count))
            for change in changes {
                writer.u32(change.first)
                writer.u32(change.count)
                writer.u8(change.state.rawValue)
            }
        }
        SourceDetailsCoding.write(details, into: &writer)
        writer.u16(UInt16(min(roots.count, Int(UInt16.max))))
        for root in roots.prefix(Int(UInt16.max)) {
            writer.string(root.name)
            writer.u64(root.address)
            writer.u64(root.nextOffset)
            writer.string(root.type ?? "")
            writer.string(root.origin)
        }
        writer.u8(tallies == nil ? 0 : 1)
        let counted = (tallies ?? []).prefix(Int(UInt16.max))
        writer.u16(UInt16(counted.count))
        for tally in counted {
            writer.string(tally.type)
            writer.u64(UInt64(tally.count))
            writer.u64(tally.bytes)
        }
        writer.u32(UInt32(pages.count))
        for (page, bytes) in pages {
            writer.u32(page)
            writer.u8(bytes == .zero ? 0 : 1)
        }
        writer.u32(UInt32(blocks.count))
        for block in blocks {
            writer.u32(block.rawCount)
            writer.u32(block.packedCount)
            writer.u32(block.crc)
        }
        if isKey {
            writer.u32(UInt32(contentTable.count))
            for (page, frame) in contentTable {
                writer.u32(page)
                writer.u32(frame)
            }
        }
        return writer.bytes
    }

    /// Decodes and checks a frame's meta against the recording's geometry: every page in
    /// range, runs that cover the arena, changes and page lists in order, blocks that
    /// match the stored pages.
    init(decoding bytes: [UInt8], frame: Int, geometry: ArenaGeometry, version: UInt16) throws(RecordingError) {
        var reader = ByteReader(bytes, context: "frame \(frame)")
        let maxPages = geometry.maxPages
        isKey = try reader.u8() == 1
        if isKey {
            let count = try reader.count(minimumSize: 5, limit: Int(maxPages))
            var covered: UInt64 = 0
            var builder = PageMapBuilder()
            for _ in 0..<count {
                let state = try Self.state(&reader)
                let length = try reader.u32()
                guard length > 0 else { throw .damaged("frame \(frame): empty run") }
                builder.append(state, count: length)
                covered += UInt64(length)
                guard covered <= UInt64(maxPages) else { throw .damaged("frame \(frame): runs pass the arena's end") }
            }
            guard covered == UInt64(maxPages) else { throw .damaged("frame \(frame): runs cover \(covered) of \(maxPages) pages") }
            runs = builder.runs
        } else {
            let count = try reader.count(minimumSize: 9, limit: Int(maxPages))
            var next: UInt64 = 0
            for _ in 0..<count {
                let first = try reader.u32()
                let length = try reader.u32()
                let state = try Self.state(&reader)
                guard UInt64(first) >= next, length > 0, UInt64(first) + UInt64(length) <= UInt64(maxPages) else {
                    throw .damaged("frame \(frame): state change at page \(first) is out of order or range")
                }
                changes.append(StateChange(first: first, count: length, state: state))
                next = UInt64(first) + UInt64(length)
            }
        }
        details = try SourceDetailsCoding.read(&reader)
        let rootCount = Int(try reader.u16())
        for _ in 0..<rootCount {
            let (name, address, nextOffset) = (try reader.string(), try reader.u64(), try reader.u64())
            // Version 1 kept no type or origin.
            let type = version >= 2 ? try reader.string() : ""
            let origin = version >= 2 ? try reader.string() : "recording"
            roots.append(StructureRoot(name: name, address: address, nextOffset: nextOffset, type: type.isEmpty ? nil : type, origin: origin))
        }
        if version >= 3 {
            let counted = try reader.u8()
            guard counted <= 1 else { throw .damaged("frame \(frame): unknown object count marker \(counted)") }
            let count = Int(try reader.u16())
            var read: [TypeTally] = []
            for _ in 0..<count {
                let type = try reader.string()
                let (objects, bytes) = (try reader.u64(), try reader.u64())
                guard objects <= UInt64(Int32.max) else { throw .damaged("frame \(frame): \(objects) objects of \(type)") }
                read.append(TypeTally(type: type, count: Int(objects), bytes: bytes))
            }
            guard counted == 1 || count == 0 else { throw .damaged("frame \(frame): object counts marked absent") }
            tallies = counted == 1 ? read : nil
        }
        let pageCount = try reader.count(minimumSize: 5, limit: Int(maxPages))
        var stored = 0
        var previous: Int64 = -1
        for _ in 0..<pageCount {
            let page = try reader.u32()
            guard page < maxPages, Int64(page) > previous else { throw .damaged("frame \(frame): page \(page) out of order or range") }
            previous = Int64(page)
            switch try reader.u8() {
            case 0: pages.append((page, .zero))
            case 1:
                pages.append((page, .stored(stored)))
                stored += 1
            default: throw .damaged("frame \(frame): unknown page encoding")
            }
        }
        let blockCount = try reader.count(minimumSize: 12)
        let expectedBlocks = (stored + RecordingFormat.pagesPerBlock - 1) / RecordingFormat.pagesPerBlock
        guard blockCount == expectedBlocks else { throw .damaged("frame \(frame): \(blockCount) data blocks for \(stored) pages") }
        for index in 0..<blockCount {
            let block = Block(rawCount: try reader.u32(), packedCount: try reader.u32(), crc: try reader.u32())
            let pagesInBlock = min(RecordingFormat.pagesPerBlock, stored - index * RecordingFormat.pagesPerBlock)
            guard UInt64(block.rawCount) == UInt64(pagesInBlock) * geometry.pageSize,
                UInt64(block.rawCount) <= UInt64(block.packedCount) * RecordingFormat.maxExpansion + 1024
            else {
                throw .damaged("frame \(frame): data block \(index) has the wrong size")
            }
            blocks.append(block)
        }
        if isKey {
            let count = try reader.count(minimumSize: 8, limit: Int(maxPages))
            var previousPage: Int64 = -1
            for _ in 0..<count {
                let page = try reader.u32()
                let source = try reader.u32()
                guard page < maxPages, Int64(page) > previousPage, source == Self.zeroFrame || Int(source) <= frame else {
                    throw .damaged("frame \(frame): content table entry for page \(page)")
                }
                previousPage = Int64(page)
                contentTable.append((page, source))
            }
        }
        try reader.expectEnd()
    }

    init(isKey: Bool) { self.isKey = isKey }

    private static func state(_ reader: inout ByteReader) throws(RecordingError) -> PageState {
        let raw = try reader.u8()
        guard let state = PageState(rawValue: raw) else { throw .damaged("\(reader.context): unknown page state \(raw)") }
        return state
    }

    /// Total packed bytes of the data blocks.
    var dataSize: UInt64 { blocks.reduce(0) { $0 + UInt64($1.packedCount) } }
}
