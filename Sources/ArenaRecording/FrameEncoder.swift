import ArenaModel
import Glibc

/// Turns successive snapshots into frame chunks: state changes against the frame before
/// (all states in keyframes), and the bytes of pages whose contents changed, compared
/// with what the recording already holds for them.
struct FrameEncoder {
    let header: RecordingHeader
    private var frame: UInt32 = 0
    /// The previous frame's state of every page.
    private var states: [UInt8]
    /// Last recorded bytes of backed pages, empty for all-zero pages.
    private var lastBytes: [UInt32: [UInt8]] = [:]
    /// Frame that holds each known page's bytes (`FrameMeta.zeroFrame` when zero).
    private var contentFrame: [UInt32: UInt32] = [:]

    init(header: RecordingHeader) {
        self.header = header
        states = [UInt8](repeating: PageState.free.rawValue, count: Int(header.geometry.maxPages))
    }

    struct Encoded {
        var chunk: [UInt8]
        var header: ChunkHeader
        var isKey: Bool
    }

    /// Encodes `snapshot` as the next frame, `time` seconds after the first; `source`
    /// delivers the bytes of its backed pages.
    mutating func encode(_ snapshot: Snapshot, time: Double, source: ArenaSource) throws -> Encoded {
        let geometry = header.geometry
        guard snapshot.geometry == geometry else {
            throw RecordingError.io("the arena's geometry changed during recording")
        }
        let isKey = frame % header.keyframeInterval == 0
        var meta = FrameMeta(isKey: isKey)
        var next = [UInt8](repeating: 0, count: Int(geometry.maxPages))
        var backed: [UInt32] = []
        for run in snapshot.pages.runs {
            let range = Int(run.first)..<Int(run.first) + Int(run.count)
            next.replaceSubrange(range, with: repeatElement(run.state.rawValue, count: range.count))
            if run.state.isBacked { backed += run.first...run.last }
        }
        if isKey { meta.runs = snapshot.pages.runs } else { meta.changes = Self.changes(from: states, to: next) }
        for page in lastBytes.keys where !(PageState(rawValue: next[Int(page)])?.isBacked ?? false) {
            lastBytes[page] = nil
            contentFrame[page] = nil
        }
        states = next
        meta.details = snapshot.source.details
        meta.roots = snapshot.roots
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
        let rawSize = UInt64(geometry.maxPages)
            + (header.bytesMode == .none ? 0 : UInt64(backed.count) * geometry.pageSize)
        let chunkHeader = ChunkHeader(
            frame: frame, time: UInt64(max(0, time) * 1e9), rawSize: rawSize, metaRawCount: UInt32(metaRaw.count),
            metaPackedCount: UInt32(metaPacked.count), metaCRC: Deflate.crc(metaPacked), dataPackedCount: UInt64(data.count))
        frame += 1
        return Encoded(chunk: chunkHeader.encoded() + metaPacked + data, header: chunkHeader, isKey: isKey)
    }

    /// Ranges whose state differs between two per-page state arrays.
    static func changes(from old: [UInt8], to new: [UInt8]) -> [FrameMeta.StateChange] {
        var changes: [FrameMeta.StateChange] = []
        var index = 0
        let count = new.count
        while index < count {
            guard old[index] != new[index] else {
                index += 1
                continue
            }
            let value = new[index]
            var end = index + 1
            while end < count && new[end] == value && old[end] != value { end += 1 }
            changes.append(FrameMeta.StateChange(first: UInt32(index), count: UInt32(end - index), state: PageState(rawValue: value)!))
            index = end
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
