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
    /// VALID gives the windows that fit; explicit padding gives the windows that fit the padded input (ONNX's
    /// rule, floor division). Nil when no window fits, or for a stride or dilation below 1 or a negative padding (a
    /// graph built by hand, not loaded: the loaders refuse those).
    public func geometry(inputHeight: Int, inputWidth: Int, filterHeight: Int, filterWidth: Int) -> WindowGeometry? {
        guard strideHeight >= 1, strideWidth >= 1, dilationHeight >= 1, dilationWidth >= 1 else { return nil }
        func axis(_ input: Int, _ filter: Int, _ stride: Int, _ dilation: Int, _ explicit: (Int, Int))
            -> (output: Int, padBefore: Int)?
        {
            let effectiveFilter = (filter - 1) * dilation + 1
            switch padding {
            case .explicit:
                let (before, after) = explicit
                guard before >= 0, after >= 0 else { return nil }
                let padded = input + before + after
                return padded >= effectiveFilter ? ((padded - effectiveFilter) / stride + 1, before) : nil
            case .same:
                let output = (input + stride - 1) / stride
                let total = max((output - 1) * stride + effectiveFilter - input, 0)
                return output > 0 ? (output, total / 2) : nil
            case .valid:
                let output = (input - effectiveFilter + stride) / stride
                return input >= effectiveFilter && output > 0 ? (output, 0) : nil
            }
        }
        var pads = (top: 0, left: 0, bottom: 0, right: 0)
        if case .explicit(let top, let left, let bottom, let right) = padding { pads = (top, left, bottom, right) }
        guard let vertical = axis(inputHeight, filterHeight, strideHeight, dilationHeight, (pads.top, pads.bottom)),
            let horizontal = axis(inputWidth, filterWidth, strideWidth, dilationWidth, (pads.left, pads.right))
        else { return nil }
        return WindowGeometry(
            outputHeight: vertical.output, outputWidth: horizontal.output, padTop: vertical.padBefore,
            padLeft: horizontal.padBefore)
    }
}
