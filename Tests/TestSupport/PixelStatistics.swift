/// How far two equally long byte buffers are apart, element by element.
public struct PixelStatistics: CustomStringConvertible {
    /// Mean absolute difference.
    public let meanAbsoluteDifference: Double
    /// The 99th percentile of the absolute difference.
    public let percentile99: Int
    /// The largest absolute difference.
    public let maxDifference: Int
    /// Fraction of elements that are equal.
    public let exactFraction: Double

    /// Compares `a` with `b`; they must have the same length.
    public init(_ a: [UInt8], _ b: [UInt8]) {
        precondition(a.count == b.count && !a.isEmpty, "buffers differ in length: \(a.count) vs \(b.count)")
        var histogram = [Int](repeating: 0, count: 256)
        var total = 0
        for i in a.indices {
            let d = abs(Int(a[i]) - Int(b[i]))
            histogram[d] += 1
            total += d
        }
        meanAbsoluteDifference = Double(total) / Double(a.count)
        maxDifference = histogram.lastIndex(where: { $0 > 0 })!
        exactFraction = Double(histogram[0]) / Double(a.count)
        var seen = 0
        var p99 = 0
        for (d, n) in histogram.enumerated() {
            seen += n
            if Double(seen) >= 0.99 * Double(a.count) { p99 = d; break }
        }
        percentile99 = p99
    }

    /// All four figures on one line, for test failure messages.
    public var description: String {
        "MAD \(meanAbsoluteDifference), p99 \(percentile99), max \(maxDifference), exact \(exactFraction)"
    }
}
