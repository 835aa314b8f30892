import ArenaModel

/// What one pass over every frame's description finds (`info`'s summary): each type's object count over the
/// recording, and the frames whose descriptions are damaged (read past, not stopped at).
public struct RecordingSurvey: Sendable {
    public struct TypeHistory: Sendable {
        public let type: String
        public fileprivate(set) var first = 0, last = 0, peak = 0, peakFrame = 0
    }

    public struct ObjectHistory: Sendable {
        /// Frames that kept their counts.
        public fileprivate(set) var counted = 0
        /// Most objects at the last frame first.
        public fileprivate(set) var types: [TypeHistory] = []
    }

    public private(set) var objects = ObjectHistory()
    /// Frames whose description could not be read, with why, in order.
    public private(set) var damaged: [(frame: Int, reason: String)] = []
    /// Frames that cannot be replayed: each damaged one, and the frames after it that build
    /// on it up to the next keyframe.
    public private(set) var unreplayable: [ClosedRange<Int>] = []

    public init(_ reader: RecordingReader) {
        var byName: [String: TypeHistory] = [:]
        for frame in 0..<reader.frameCount {
            let tallies: [TypeTally]?
            do {
                tallies = try reader.tallies(ofFrame: frame)
            } catch {
                let why = if case .damaged(let why) = error { why } else { error.description }
                damaged.append((frame, RecordingReader.naming(frame, in: why)))
                continue
            }
            guard let tallies else { continue }
            let present = Dictionary(tallies.map { ($0.type, $0.count) }, uniquingKeysWith: +)
            for name in Set(byName.keys).union(present.keys) {
                var type = byName[name] ?? TypeHistory(type: name)
                let count = present[name] ?? 0
                if objects.counted == 0 { type.first = count }
                type.last = count
                if count > type.peak { (type.peak, type.peakFrame) = (count, frame) }
                byName[name] = type
            }
            objects.counted += 1
        }
        objects.types = byName.values.sorted { ($0.last, $1.type) > ($1.last, $0.type) }
        for (frame, _) in damaged {
            var end = frame
            while end + 1 < reader.frameCount && !reader.isKeyframe(end + 1) { end += 1 }
            if let last = unreplayable.last, last.upperBound >= frame - 1 {
                unreplayable[unreplayable.count - 1] = last.lowerBound...max(last.upperBound, end)
            } else {
                unreplayable.append(frame...end)
            }
        }
    }
}
