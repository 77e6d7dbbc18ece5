/// Where a sliding window lands: output size and padding before the first row and column.
public struct WindowGeometry: Sendable, Equatable {
    /// Rows of the output.
    public var outputHeight: Int
    /// Columns of the output.
    public var outputWidth: Int
    /// Padding rows above the first input row (0 for VALID).
    public var padTop: Int
    /// Padding columns left of the first input column (0 for VALID).
    public var padLeft: Int
}

extension Window {
    /// TensorFlow's rule: SAME gives ceil(input / stride) with the padding split evenly, the odd one after;
    /// VALID gives the windows that fit. Nil when no window fits, or for a stride or dilation below 1 (a graph
    /// built by hand, not loaded: the loader refuses those).
    public func geometry(inputHeight: Int, inputWidth: Int, filterHeight: Int, filterWidth: Int) -> WindowGeometry? {
        guard strideHeight >= 1, strideWidth >= 1, dilationHeight >= 1, dilationWidth >= 1 else { return nil }
        func axis(_ input: Int, _ filter: Int, _ stride: Int, _ dilation: Int) -> (output: Int, padBefore: Int)? {
            let effectiveFilter = (filter - 1) * dilation + 1
            switch padding {
            case .same:
                let output = (input + stride - 1) / stride
                let total = max((output - 1) * stride + effectiveFilter - input, 0)
                return output > 0 ? (output, total / 2) : nil
            case .valid:
                let output = (input - effectiveFilter + stride) / stride
                return input >= effectiveFilter && output > 0 ? (output, 0) : nil
            }
        }
        guard let vertical = axis(inputHeight, filterHeight, strideHeight, dilationHeight),
            let horizontal = axis(inputWidth, filterWidth, strideWidth, dilationWidth)
        else { return nil }
        return WindowGeometry(
            outputHeight: vertical.output, outputWidth: horizontal.output, padTop: vertical.padBefore,
            padLeft: horizontal.padBefore)
    }
}
