/// The priors of the UltraFace family (and other SSDs trained with its code): per stride, a grid of ceil(input /
/// stride) cells, each with a square prior of every minimum size (in input pixels), the input not square.
/// Order: stride, then y, then x, then size, as the training code emits them; sides and centers normalized and
/// clamped to [0, 1]. The same description gives every input size its priors (4,420 at 320x240, 17,640 at
/// 640x480).
public struct MinimumSizePriorConfiguration: Sendable, Equatable {
    /// Input width in pixels.
    public var inputWidth: Int
    /// Input height in pixels.
    public var inputHeight: Int
    /// One entry per head: its stride in input pixels and the sides of its square priors, in input pixels.
    public var layers: [(stride: Int, minimumSizes: [Float])]
    /// Clamp centers and sides to [0, 1], as the training code does.
    public var clamp: Bool

    /// A configuration as given; `priors()` returns none for a non-positive size or stride.
    public init(inputWidth: Int, inputHeight: Int, layers: [(stride: Int, minimumSizes: [Float])], clamp: Bool = true) {
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.layers = layers
        self.clamp = clamp
    }

    /// UltraFace RFB-320's: strides 8, 16, 32 and 64 with minimum sizes {10, 16, 24}, {32, 48}, {64, 96} and
    /// {128, 192, 256}, on a 320x240 input.
    public static let ultraFace320 = MinimumSizePriorConfiguration(
        inputWidth: 320, inputHeight: 240,
        layers: [(8, [10, 16, 24]), (16, [32, 48]), (32, [64, 96]), (64, [128, 192, 256])])

    /// The priors, normalized; empty when the input, a stride or a size is not positive.
    public func priors() -> [Anchor] {
        guard inputWidth > 0, inputHeight > 0,
            layers.allSatisfy({ $0.stride > 0 && $0.minimumSizes.allSatisfy { $0 > 0 && $0.isFinite } })
        else { return [] }
        func clamped(_ value: Float) -> Float { clamp ? min(max(value, 0), 1) : value }
        var priors: [Anchor] = []
        for (stride, sizes) in layers {
            let columns = (inputWidth + stride - 1) / stride
            let rows = (inputHeight + stride - 1) / stride
            for row in 0..<rows {
                for column in 0..<columns {
                    let xCenter = clamped((Float(column) + 0.5) / Float(columns))
                    let yCenter = clamped((Float(row) + 0.5) / Float(rows))
                    for size in sizes {
                        priors.append(
                            Anchor(
                                yCenter: yCenter, xCenter: xCenter, height: clamped(size / Float(inputHeight)),
                                width: clamped(size / Float(inputWidth))))
                    }
                }
            }
        }
        return priors
    }

    /// Equal when they give the same priors' description.
    public static func == (a: Self, b: Self) -> Bool {
        a.inputWidth == b.inputWidth && a.inputHeight == b.inputHeight && a.clamp == b.clamp
            && a.layers.count == b.layers.count
            && zip(a.layers, b.layers).allSatisfy { $0.stride == $1.stride && $0.minimumSizes == $1.minimumSizes }
    }
}
