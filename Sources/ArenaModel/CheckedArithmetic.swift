/// Arithmetic on sizes, counts and offsets that come from a file or a BTF blob: an
/// overflow is an `Overflow` error naming what overflowed, never a trap. Callers turn it
/// into their own "damaged input" error.
public enum Checked {
    public struct Overflow: Error, Equatable, CustomStringConvertible {
        /// What was being computed ("the frames' raw sizes").
        public let what: String
        public var description: String { "\(what) overflow" }
    }

    /// The sum of `values`.
    public static func total<Values: Sequence<UInt64>>(_ values: Values, _ what: @autoclosure () -> String) throws(Overflow) -> UInt64 {
        var total: UInt64 = 0
        for value in values {
            guard let sum = sumOrNil(total, value) else { throw Overflow(what: what()) }
            total = sum
        }
        return total
    }

    /// `lhs + rhs`, or nil when it overflows: for bounds that are checked rather than reported.
    @inline(__always)
    public static func sumOrNil(_ lhs: UInt64, _ rhs: UInt64) -> UInt64? {
        let (value, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? nil : value
    }

    /// `lhs * rhs`, or nil when it overflows.
    @inline(__always)
    public static func productOrNil(_ lhs: UInt64, _ rhs: UInt64) -> UInt64? {
        let (value, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        return overflow ? nil : value
    }
}
