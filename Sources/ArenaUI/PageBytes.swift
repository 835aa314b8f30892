import ArenaModel

/// The bytes of the pages shown in this sample and the one before (for highlighting
/// changes), read once a sample through the source; pages that could not be read say why.
struct PageBytes {
    private var current: [UInt32: [UInt8]] = [:]
    private(set) var previous: [UInt32: [UInt8]] = [:]
    private var failures: [UInt32: String] = [:]

    /// A new sample: this sample's bytes become the previous ones.
    mutating func newSample() {
        previous = current
        current = [:]
        failures = [:]
    }

    /// The bytes of `page` in `snapshot`, or nil when it is not backed or unreadable
    /// (`failure(page)` then says why).
    /// `copied` gives the bytes already copied of this sample, if any (the object walk's).
    mutating func bytes(_ page: UInt32, in snapshot: Snapshot, source: ArenaSource, copied: ((UInt32) -> [UInt8]?)? = nil) -> [UInt8]? {
        guard snapshot.pages.state(ofPage: page).isBacked else { return nil }
        if let cached = current[page] { return cached }
        if let bytes = copied?(page) {
            current[page] = bytes
            return bytes
        }
        do {
            let fetched = try source.pageBytes(page)
            guard fetched.count == Int(snapshot.geometry.pageSize) else {
                failures[page] = "the source gave \(fetched.count) bytes for page \(page)"
                return nil
            }
            current[page] = fetched
            return fetched
        } catch ReadError.unavailable(_, let reason) {
            failures[page] = reason
            return nil
        } catch {
            failures[page] = String(describing: error)
            return nil
        }
    }

    /// The bytes of `page` if they were read in this sample.
    func cached(_ page: UInt32) -> [UInt8]? { current[page] }

    /// Why the bytes of a backed page could not be had in this sample.
    func failure(_ page: UInt32) -> String? { failures[page] }
}
