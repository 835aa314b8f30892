/// The exporter's own figures: how long samples took (a histogram) and how many failed.
public struct SampleDurations: Sendable {
    /// Upper bounds of the buckets, in seconds (`le`); +Inf is implied.
    public static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    /// Samples at or under each bound (cumulative, as Prometheus wants them).
    public private(set) var cumulativeCounts = [UInt64](repeating: 0, count: bounds.count)
    public private(set) var count: UInt64 = 0
    public private(set) var sum: Double = 0
    /// Samples that failed: torn every time, or any other error (a gone arena is no error).
    public private(set) var errors: UInt64 = 0

    public init() {}

    public mutating func record(seconds: Double) {
        count += 1
        sum += seconds
        for (index, bound) in Self.bounds.enumerated() where seconds <= bound { cumulativeCounts[index] += 1 }
    }

    public mutating func recordError() { errors += 1 }
}
