import ArenaModel
import Glibc

/// Turns successive snapshots into frame chunks: state changes against the frame before
/// (all states in keyframes), and the bytes of pages whose contents changed, compared
/// with what the recording already holds for them.
struct FrameEncoder {
    let header: RecordingHeader
    private var frame: UInt32 = 0
    /// The previous frame's page states.
    private var previous: PageMap?
    /// Last recorded bytes of backed pages, empty for all-zero pages.
    private var lastBytes: [UInt32: [UInt8]] = [:]
    /// Frame that holds each known page's bytes (`FrameMeta.zeroFrame` when zero).
    private var contentFrame: [UInt32: UInt32] = [:]

    init(header: RecordingHeader) {
        self.header = header
    }

    struct Encoded {
        var chunk: [UInt8]
        var header: ChunkHeader
        var isKey: Bool
    }

    /// Encodes `snapshot` as the next frame, `time` seconds after the first; `source`
    /// delivers the bytes of its backed pages; `tallies` are its objects by type, if counted.
    mutating func encode(_ snapshot: Snapshot, time: Double, source: ArenaSource, tallies: [TypeTally]? = nil) throws -> Encoded {
        let geometry = header.geometry
        guard snapshot.geometry == geometry else {
            throw RecordingError.io("the arena's geometry changed during recording")
        }
        let pages = snapshot.pages
        // The first frame is a keyframe whatever the interval.
        let isKey = frame % header.keyframeInterval == 0 || previous == nil
        var meta = FrameMeta(isKey: isKey)
        let backed = pages.backedPages
        if let previous, !isKey { meta.changes = Self.changes(from: previous, to: pages) } else { meta.runs = pages.runs }
        for page in lastBytes.keys where !pages.state(ofPage: page).isBacked {
            lastBytes[page] = nil
            contentFrame[page] = nil
        }
        previous = pages
        meta.details = snapshot.source.details
        meta.roots = snapshot.roots
        meta.tallies = tallies
        let pageSize = Int(geometry.pageSize)
        var stored: [UInt8] = []
        if header.bytesMode != .none && !backed.isEmpty {
            let remembersOnly = header.bytesMode == .changed && frame == 0
            try source.withBytes(ofPages: backed) { page, bytes in
                guard bytes.count == pageSize else { throw RecordingError.io("page \(page) came back with \(bytes.count) bytes") }
                let isZero = Self.isZero(bytes)
                if let previous = lastBytes[page], Self.same(previous, bytes, isZero: isZero) { return }
                lastBytes[page] = isZero ? [] : Array(bytes)
                if remembersOnly { return }
                if isZero {
                    meta.pages.append((page, .zero))
                    contentFrame[page] = FrameMeta.zeroFrame
                } else {
                    meta.pages.append((page, .stored(stored.count / pageSize)))
                    stored += bytes
                    contentFrame[page] = frame
                }
            }
        }
        var data: [UInt8] = []
        let blockBytes = RecordingFormat.pagesPerBlock * pageSize
        for start in stride(from: 0, to: stored.count, by: blockBytes) {
            let raw = Array(stored[start..<min(start + blockBytes, stored.count)])
            let packed = Deflate.compress(raw)
            meta.blocks.append(FrameMeta.Block(rawCount: UInt32(raw.count), packedCount: UInt32(packed.count), crc: Deflate.crc(packed)))
            data += packed
        }
        if isKey { meta.contentTable = contentFrame.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
        let metaRaw = meta.encoded()
        let metaPacked = Deflate.compress(metaRaw)
        let rawSize =
            UInt64(geometry.maxPages)
            + (header.bytesMode == .none ? 0 : UInt64(backed.count) * geometry.pageSize)
        let chunkHeader = ChunkHeader(
            frame: frame, time: UInt64(max(0, time) * 1e9), rawSize: rawSize, metaRawCount: UInt32(metaRaw.count),
            metaPackedCount: UInt32(metaPacked.count), metaCRC: Deflate.crc(metaPacked), dataPackedCount: UInt64(data.count))
        frame += 1
        return Encoded(chunk: chunkHeader.encoded() + metaPacked + data, header: chunkHeader, isKey: isKey)
    }

    /// The pages whose state differs, as runs of the new state.
    static func changes(from old: PageMap, to new: PageMap) -> [FrameMeta.StateChange] {
        var changes: [FrameMeta.StateChange] = []
        for change in old.changes(to: new) {
            if let last = changes.last, last.state == change.to, last.first + last.count == change.range.first {
                changes[changes.count - 1].count += change.range.count
            } else {
                changes.append(FrameMeta.StateChange(first: change.range.first, count: change.range.count, state: change.to))
            }
        }
        return changes
    }

    private static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let words = bytes.count / 8
        let base = bytes.baseAddress!
        for index in 0..<words where base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) != 0 { return false }
        for index in words * 8..<bytes.count where bytes[index] != 0 { return false }
        return true
    }

    private static func same(_ previous: [UInt8], _ bytes: UnsafeRawBufferPointer, isZero: Bool) -> Bool {
        if previous.isEmpty { return isZero }
        return !isZero && previous.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }
}
