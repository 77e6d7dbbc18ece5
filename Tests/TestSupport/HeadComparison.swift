/// How closely two uint8 tensors agree, in quantization steps (LSB).
public struct HeadComparison: CustomStringConvertible {
    public let count: Int
    public let maximumDifference: Int
    public let withinOne: Double
    public let exact: Double

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

    /// The engine issue's bound: within 6 LSB everywhere, within 1 LSB on at least 95% of the elements.
    public var meetsTFLiteBound: Bool { maximumDifference <= 6 && withinOne >= 0.95 }

    public var description: String {
        "max \(maximumDifference) LSB, \(String(format1: withinOne * 100))% within 1, "
            + "\(String(format1: exact * 100))% exact over \(count)"
    }
}

extension String {
    /// `value` with one decimal, without Foundation.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
