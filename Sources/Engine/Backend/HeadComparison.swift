/// How far one backend's quantized outputs are from another's (or from the TFLite runtime's), element by element,
/// in units of the last place (one step of the uint8 scale).
public struct HeadComparison: Sendable, CustomStringConvertible {
    /// Elements compared (bytes of each output).
    public let count: Int
    /// The largest difference, in steps.
    public let maximumDifference: Int
    /// Fraction of the elements within one step.
    public let withinOne: Double
    /// Fraction of the elements equal.
    public let exact: Double

    /// Compares two outputs of the same size.
    public init(_ actual: some Collection<UInt8>, _ expected: some Collection<UInt8>) {
        precondition(actual.count == expected.count, "sizes differ: \(actual.count) vs \(expected.count)")
        var maximum = 0, withinOne = 0, exact = 0
        for (a, b) in zip(actual, expected) {
            let difference = abs(Int(a) - Int(b))
            maximum = max(maximum, difference)
            if difference <= 1 { withinOne += 1 }
            if difference == 0 { exact += 1 }
        }
        count = actual.count
        maximumDifference = maximum
        self.withinOne = Double(withinOne) / Double(max(count, 1))
        self.exact = Double(exact) / Double(max(count, 1))
    }

    /// The engine issue's bound, what XNNPACK itself meets against the reference kernels: within 6 steps
    /// everywhere, within 1 step on at least 95% of the elements.
    public var meetsTFLiteBound: Bool { maximumDifference <= 6 && withinOne >= 0.95 }

    /// One line: largest difference, share within one step, share exact, element count.
    public var description: String {
        "max \(maximumDifference) LSB, \(Self.oneDecimal(withinOne * 100))% within 1, "
            + "\(Self.oneDecimal(exact * 100))% exact over \(count)"
    }

    /// `value` with one decimal, without Foundation (Engine does not import it).
    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
