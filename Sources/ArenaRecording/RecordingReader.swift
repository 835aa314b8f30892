import ArenaModel

/// Reads a recording: finds its frames (from the index, or by scanning a file that was
/// cut short), rebuilds the page states of any frame from the keyframe before it, and
/// finds the bytes a page had at a frame. Everything read is checked; a damaged part is
/// an error, never a trap, and no allocation is larger than the format's limits.
public final class RecordingReader {
    public let input: RecordingInput
    public let header: RecordingHeader
    /// True when the file ends with a valid index (it was finished).
    public let isComplete: Bool
    /// Why reading stopped before the end of the file, when it did.
    public let damage: String?
    /// True when reading stopped at damage (a checksum mismatch, a frame out of sequence, a
    /// broken index), not merely where a recording that was cut short ends.
    public let isDamaged: Bool
    let entries: [IndexEntry]
    private let dataStart: UInt64
    private let dataEnd: UInt64

    private var metas: [Int: (chunk: ChunkHeader, meta: FrameMeta)] = [:]
    /// Decoded bytes of the descriptions in `metas`, bounded by `maxCachedDescriptionBytes`.
    private var metaBytes = 0
    /// Decoded frame descriptions kept at most, in bytes (one description may be up to
    /// the format's limit on its own): the cache is emptied past it.
    static let maxCachedDescriptionBytes = 32 << 20
    private var blocks: [BlockKey: [UInt8]] = [:]
    private var cursor: (frame: Int, states: [UInt8])?

    private struct BlockKey: Hashable {
        let frame: Int
        let block: Int
    }

    public convenience init(path: String) throws(RecordingError) {
        try self.init(input: RecordingFile(path: path))
    }

    public init(input: RecordingInput) throws(RecordingError) {
        self.input = input
        let preamble = try input.read(at: 0, count: min(RecordingFormat.preambleSize, Int(min(input.size, 64))))
        let (version, bodyLength) = try RecordingHeader.versionAndBodyLength(preamble: preamble)
        let body = try input.read(at: UInt64(RecordingFormat.preambleSize), count: bodyLength)
        let crc = try input.read(at: UInt64(RecordingFormat.preambleSize + bodyLength), count: 4)
        header = try RecordingHeader(
            body: body, crc: UInt32(crc[0]) | UInt32(crc[1]) << 8 | UInt32(crc[2]) << 16 | UInt32(crc[3]) << 24,
            version: version)
        dataStart = UInt64(RecordingFormat.preambleSize + bodyLength + 4)
        if let (entries, indexOffset) = Self.indexed(input, dataStart: dataStart) {
            self.entries = entries
            dataEnd = indexOffset
            isComplete = true
            damage = nil
            isDamaged = false
        } else {
            let scan = Self.scan(input, header: header, dataStart: dataStart)
            entries = scan.entries
            dataEnd = scan.end
            isComplete = false
            damage = scan.stop.reason
            isDamaged = scan.stop.isDamage
        }
        guard !entries.isEmpty else { throw .damaged(damage ?? "no complete frame") }
        do {
            rawSize = try Checked.total(entries.lazy.map(\.rawSize), "the frames' raw sizes")
        } catch {
            throw .damaged("\(error): no recording is that large")
        }
    }

    // MARK: what the recording holds

    public var frameCount: Int { entries.count }
    public var keyframeCount: Int { entries.lazy.filter(\.isKey).count }
    /// `why` a frame failed, naming the frame unless it already names one.
    static func naming(_ frame: Int, in why: String) -> String {
        why.hasPrefix("frame ") ? why : "frame \(frame): \(why)"
    }

    /// True when `frame` is a keyframe: it is rebuilt without the frames before it.
    public func isKeyframe(_ frame: Int) -> Bool { frame >= 0 && frame < frameCount && entries[frame].isKey }
    public var fileSize: UInt64 { input.size }
    /// Sum of the frames' plain sizes: one byte per page plus recorded backed pages.
    public let rawSize: UInt64
    /// Seconds from the first frame to the last.
    public var duration: Double { time(ofFrame: frameCount - 1) }

    public func time(ofFrame frame: Int) -> Double {
        Double(entries[max(0, min(frame, frameCount - 1))].time) / 1e9
    }

    /// The last frame at or before `seconds` (the first frame for earlier times).
    public func frame(atTime seconds: Double) -> Int {
        let target = seconds.isNaN ? 0 : UInt64(max(0, min(seconds, 1e10)) * 1e9)
        return max(0, entries.partitioningIndex { $0.time > target } - 1)
    }

    // MARK: frames

    /// The page map of `frame`, with the frame's roots and source details.
    public func frame(_ frame: Int) throws(RecordingError) -> (pages: PageMap, meta: RecordedFrame) {
        let states = try states(at: frame)
        let meta = try self.meta(frame).meta
        let pages = states.withUnsafeBufferPointer { PageMap(states: $0) }
        return (pages, RecordedFrame(index: frame, time: time(ofFrame: frame), details: meta.details, roots: meta.roots, tallies: meta.tallies))
    }

    /// The objects the roots reached at `frame`, by type; nil when the recorder did not count them.
    public func tallies(ofFrame frame: Int) throws(RecordingError) -> [TypeTally]? {
        guard frame >= 0, frame < frameCount else { throw .noSuchFrame(frame, count: frameCount) }
        return try meta(frame).meta.tallies
    }

    /// The bytes `page` held at `frame`. Throws `ReadError` when the page was not backed
    /// or its bytes were not recorded, `RecordingError` when the file is damaged.
    public func pageBytes(_ page: UInt32, at frame: Int) throws -> [UInt8] {
        let geometry = header.geometry
        guard page < geometry.maxPages else {
            throw ReadError.outsideArena(address: geometry.address(ofPage: page), start: geometry.userVMStart, end: geometry.userVMEnd)
        }
        let raw = try states(at: frame)[Int(page)]
        guard let state = PageState(rawValue: raw) else { throw RecordingError.damaged("page \(page) has the unknown state \(raw)") }
        guard state.isBacked else { throw ReadError.notBacked(address: geometry.address(ofPage: page), page: page, state: state) }
        let key = keyframe(atOrBefore: frame)
        for candidate in stride(from: frame, through: key, by: -1) {
            let meta = try self.meta(candidate).meta
            if let bytes = Self.lookup(page, in: meta) { return try self.bytes(bytes, frame: candidate) }
        }
        let table = try meta(key).meta.contentTable
        let low = table.partitioningIndex { $0.page >= page }
        guard low < table.count, table[low].page == page else {
            throw ReadError.unavailable(page: page, reason: "its bytes were not recorded (bytes mode '\(header.bytesMode.rawValue)')")
        }
        if table[low].frame == FrameMeta.zeroFrame { return zeroPage }
        let source = Int(table[low].frame)
        guard source < frameCount, let bytes = Self.lookup(page, in: try meta(source).meta) else {
            throw RecordingError.damaged("frame \(key) says page \(page) is stored in frame \(source), which does not hold it")
        }
        return try self.bytes(bytes, frame: source)
    }

    private var zeroPage: [UInt8] { [UInt8](repeating: 0, count: Int(header.geometry.pageSize)) }

    private static func lookup(_ page: UInt32, in meta: FrameMeta) -> FrameMeta.PageBytes? {
        let low = meta.pages.partitioningIndex { $0.page >= page }
        return low < meta.pages.count && meta.pages[low].page == page ? meta.pages[low].bytes : nil
    }

    private func bytes(_ bytes: FrameMeta.PageBytes, frame: Int) throws(RecordingError) -> [UInt8] {
        guard case .stored(let ordinal) = bytes else { return zeroPage }
        let block = ordinal / RecordingFormat.pagesPerBlock
        let data = try blockBytes(frame: frame, block: block)
        let pageSize = Int(header.geometry.pageSize)
        let start = (ordinal % RecordingFormat.pagesPerBlock) * pageSize
        return Array(data[start..<start + pageSize])
    }

    private func keyframe(atOrBefore frame: Int) -> Int {
        var index = frame
        while index > 0 && !entries[index].isKey { index -= 1 }
        return index
    }

    /// Per-page states at `frame`: from the keyframe before it, or onwards from the last
    /// frame rebuilt when that is closer.
    func states(at frame: Int) throws(RecordingError) -> [UInt8] {
        guard frame >= 0, frame < frameCount else { throw .noSuchFrame(frame, count: frameCount) }
        if let cursor, cursor.frame == frame { return cursor.states }
        let key = keyframe(atOrBefore: frame)
        var states: [UInt8]
        var at: Int
        if let cursor, cursor.frame < frame, cursor.frame >= key {
            states = cursor.states
            at = cursor.frame
        } else {
            let meta = try self.meta(key).meta
            guard meta.isKey else { throw .damaged("frame \(key) should be a keyframe") }
            states = []
            states.reserveCapacity(Int(header.geometry.maxPages))
            for run in meta.runs { states += repeatElement(run.state.rawValue, count: Int(run.count)) }
            at = key
        }
        while at < frame {
            at += 1
            let meta = try self.meta(at).meta
            guard !meta.isKey else { throw .damaged("frame \(at) is a keyframe the index does not list") }
            for change in meta.changes {
                let start = Int(change.first)
                states.replaceSubrange(start..<start + Int(change.count), with: repeatElement(change.state.rawValue, count: Int(change.count)))
            }
        }
        cursor = (frame, states)
        return states
    }

    // MARK: reading parts

    private func meta(_ frame: Int) throws(RecordingError) -> (chunk: ChunkHeader, meta: FrameMeta) {
        if let cached = metas[frame] { return cached }
        let entry = entries[frame]
        let chunk = try ChunkHeader(decoding: input.read(at: entry.offset, count: RecordingFormat.chunkHeaderSize))
        let end = frame + 1 < frameCount ? entries[frame + 1].offset : dataEnd
        guard chunk.frame == UInt32(frame), chunk.time == entry.time, entry.offset + chunk.chunkSize <= end else {
            throw .damaged("frame \(frame) does not match the index")
        }
        let packed = try input.read(at: entry.offset + UInt64(RecordingFormat.chunkHeaderSize), count: Int(chunk.metaPackedCount))
        guard Deflate.crc(packed) == chunk.metaCRC else { throw .damaged("frame \(frame) checksum mismatch") }
        let raw = try Deflate.decompress(packed, rawCount: Int(chunk.metaRawCount))
        let meta = try FrameMeta(decoding: raw, frame: frame, geometry: header.geometry, version: header.version)
        guard meta.isKey == entry.isKey else { throw .damaged("frame \(frame) is not the kind of frame the index says") }
        guard meta.dataSize == chunk.dataPackedCount else { throw .damaged("frame \(frame) data size mismatch") }
        if metas.count >= 1024 || metaBytes + raw.count > Self.maxCachedDescriptionBytes {
            metas.removeAll(keepingCapacity: true)
            metaBytes = 0
        }
        metas[frame] = (chunk, meta)
        metaBytes += raw.count
        return (chunk, meta)
    }

    private func blockBytes(frame: Int, block: Int) throws(RecordingError) -> [UInt8] {
        let key = BlockKey(frame: frame, block: block)
        if let cached = blocks[key] { return cached }
        let (chunk, meta) = try self.meta(frame)
        var offset = entries[frame].offset + UInt64(RecordingFormat.chunkHeaderSize) + UInt64(chunk.metaPackedCount)
        for earlier in meta.blocks.prefix(block) { offset += UInt64(earlier.packedCount) }
        let description = meta.blocks[block]
        let packed = try input.read(at: offset, count: Int(description.packedCount))
        guard Deflate.crc(packed) == description.crc else { throw .damaged("frame \(frame) data block \(block) checksum mismatch") }
        let raw = try Deflate.decompress(packed, rawCount: Int(description.rawCount))
        if blocks.count >= 64 { blocks.removeAll(keepingCapacity: true) }
        blocks[key] = raw
        return raw
    }

    // MARK: finding frames

    /// The index, when the file ends with a valid footer.
    private static func indexed(_ input: RecordingInput, dataStart: UInt64) -> (entries: [IndexEntry], offset: UInt64)? {
        guard input.size >= dataStart + UInt64(RecordingFormat.footerSize),
            let footerBytes = try? input.read(at: input.size - UInt64(RecordingFormat.footerSize), count: RecordingFormat.footerSize),
            let footer = IndexCoding.footer(footerBytes)
        else { return nil }
        let indexEnd = input.size - UInt64(RecordingFormat.footerSize)
        guard footer.offset >= dataStart, footer.offset <= indexEnd,
            UInt64(footer.count) * UInt64(RecordingFormat.indexEntrySize) + 8 == indexEnd - footer.offset,
            let bytes = try? input.read(at: footer.offset, count: Int(indexEnd - footer.offset)),
            let entries = try? IndexCoding.decode(bytes, count: footer.count, crc: footer.crc, dataStart: dataStart, indexOffset: footer.offset)
        else { return nil }
        return (entries, footer.offset)
    }

    /// Where and why a scan stopped: at the end of a recording cut short, or at damage.
    private struct ScanStop {
        let reason: String
        let isDamage: Bool

        static func cut(_ reason: String) -> ScanStop { ScanStop(reason: reason, isDamage: false) }
        static func damage(_ reason: String) -> ScanStop { ScanStop(reason: reason, isDamage: true) }
    }

    /// Walks the frames of a file without a usable index, up to the first one that is
    /// incomplete or damaged.
    private static func scan(_ input: RecordingInput, header: RecordingHeader, dataStart: UInt64) -> (entries: [IndexEntry], end: UInt64, stop: ScanStop) {
        var entries: [IndexEntry] = []
        var offset = dataStart
        var lastTime: UInt64 = 0
        let headerSize = UInt64(RecordingFormat.chunkHeaderSize)
        let indexMagic = withUnsafeBytes(of: RecordingFormat.indexMagic.littleEndian) { Array($0) }
        while offset < input.size {
            let frame = entries.count
            guard input.size - offset >= headerSize else { return (entries, offset, .cut("cut short inside frame \(frame)")) }
            guard let bytes = try? input.read(at: offset, count: Int(headerSize)) else { return (entries, offset, .damage("unreadable at byte \(offset)")) }
            if bytes.starts(with: indexMagic) { return (entries, offset, .damage("its index is damaged")) }
            let chunk: ChunkHeader
            do {
                chunk = try ChunkHeader(decoding: bytes)
            } catch {
                return (entries, offset, .damage("frame \(frame) at byte \(offset): \(error)"))
            }
            guard chunk.frame == UInt32(frame), chunk.time >= lastTime else {
                return (entries, offset, .damage("frame \(frame) at byte \(offset) is out of sequence"))
            }
            guard chunk.chunkSize <= input.size - offset else { return (entries, offset, .cut("cut short inside frame \(frame)")) }
            guard let packed = try? input.read(at: offset + headerSize, count: Int(chunk.metaPackedCount)),
                Deflate.crc(packed) == chunk.metaCRC
            else {
                return (entries, offset, .damage("frame \(frame) at byte \(offset): checksum mismatch"))
            }
            entries.append(
                IndexEntry(
                    offset: offset, time: chunk.time, rawSize: chunk.rawSize,
                    isKey: UInt32(frame) % header.keyframeInterval == 0))
            lastTime = chunk.time
            offset += chunk.chunkSize
        }
        return (entries, offset, .cut(entries.isEmpty ? "no complete frame" : "cut short after frame \(entries.count - 1) (no index)"))
    }
}

/// What a frame adds to its page map: when it was taken, the source's details then, and
/// the structure roots.
public struct RecordedFrame: Sendable {
    public let index: Int
    /// Seconds since the first frame.
    public let time: Double
    public let details: [(key: String, value: SourceDescriptor.DetailValue)]
    public let roots: [StructureRoot]
    /// Objects the roots reached, by type, most bytes first; nil when the recorder did not count.
    public let tallies: [TypeTally]?
}

extension RecordingReader {
    /// What `verify` found.
    public struct Verification: Sendable {
        public var framesChecked = 0
        public var pagesChecked = 0
        /// The first damage found, with its frame.
        public var problem: String?
    }

    /// Decodes frames in order and reads the bytes of their backed pages, checking every
    /// checksum on the way; stops at the first damage. `maxFrames` and `maxPagesPerFrame`
    /// bound the work (the fuzzer uses small bounds); `progress` hears of each frame begun.
    public func verify(maxFrames: Int = .max, maxPagesPerFrame: Int = .max, progress: (_ frame: Int) -> Void = { _ in }) -> Verification {
        var result = Verification()
        for frame in 0..<min(frameCount, maxFrames) {
            progress(frame)
            do {
                let states = try states(at: frame)
                var pages = 0
                for (page, state) in states.enumerated() where (PageState(rawValue: state)?.isBacked ?? false) && pages < maxPagesPerFrame {
                    pages += 1
                    do {
                        _ = try pageBytes(UInt32(page), at: frame)
                    } catch let error as ReadError {
                        guard case .unavailable = error else { throw error }
                    }
                }
                result.pagesChecked += pages
                result.framesChecked += 1
            } catch RecordingError.damaged(let why) {
                result.problem = Self.naming(frame, in: why)
                break
            } catch {
                result.problem = "frame \(frame): \(error)"
                break
            }
        }
        if result.problem == nil, isDamaged, result.framesChecked == frameCount { result.problem = damage }
        return result
    }
}
