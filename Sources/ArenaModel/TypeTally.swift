/// How many objects of one type the roots reach, and their bytes: a line of the object map,
/// kept per frame by recordings.
public struct TypeTally: Sendable, Equatable {
    public let type: String
    public let count: Int
    public let bytes: UInt64

    public init(type: String, count: Int, bytes: UInt64) {
        self.type = type
        self.count = count
        self.bytes = bytes
    }
}
