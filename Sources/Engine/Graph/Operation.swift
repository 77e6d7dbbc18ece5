/// Padding of convolutions and pooling: TensorFlow's two schemes, or ONNX's explicit amounts.
public enum Padding: Sendable, Equatable {
    /// Output size ceil(input / stride); the input is padded evenly, the extra row or column at the end.
    case same
    /// No padding: only windows wholly inside the input.
    case valid
    /// Given rows and columns of zeros on each side (ONNX's `pads`); each at least 0 (the loader checks).
    case explicit(top: Int, left: Int, bottom: Int, right: Int)
}

/// An activation fused into an op's output.
public enum FusedActivation: String, Sendable, Equatable {
    case none, relu, reluN1To1, relu6

    /// The clamp range in real values.
    public var range: (lower: Float, upper: Float) {
        switch self {
        case .none: (-.infinity, .infinity)
        case .relu: (0, .infinity)
        case .reluN1To1: (-1, 1)
        case .relu6: (0, 6)
        }
    }
}

/// Window geometry shared by convolutions and pooling.
public struct Window: Sendable, Equatable {
    /// SAME or VALID; `geometry(inputHeight:inputWidth:filterHeight:filterWidth:)` applies it.
    public var padding: Padding
    /// Rows between window positions; at least 1 (the loader checks, this type does not).
    public var strideHeight: Int
    /// Columns between window positions; at least 1 (the loader checks, this type does not).
    public var strideWidth: Int
    /// Rows between filter taps; 1 for a plain window.
    public var dilationHeight: Int
    /// Columns between filter taps; 1 for a plain window.
    public var dilationWidth: Int

    /// A window as given: strides and dilations must be at least 1 (the loader refuses others; `geometry` has none
    /// for them, so validation refuses a hand-built graph with them).
    public init(padding: Padding, strideHeight: Int, strideWidth: Int, dilationHeight: Int = 1, dilationWidth: Int = 1)
    {
        self.padding = padding
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
    }
}

/// Parameters of a 2-D convolution. Inputs: data [N,H,W,Cin], filter [Cout,KH,KW,Cin], optional bias [Cout].
public struct Conv2DParameters: Sendable, Equatable {
    /// Padding, strides and dilations.
    public var window: Window
    /// The clamp applied to the output.
    public var activation: FusedActivation

    /// Parameters as given; `Graph.validated()` checks them against the tensors.
    public init(window: Window, activation: FusedActivation) {
        self.window = window
        self.activation = activation
    }
}

/// Parameters of a depthwise convolution. Inputs: data [N,H,W,C], filter [1,KH,KW,C*multiplier], optional bias.
public struct DepthwiseConv2DParameters: Sendable, Equatable {
    /// Padding, strides and dilations.
    public var window: Window
    /// Output channels per input channel, at least 1: the filter has C * multiplier of them.
    public var depthMultiplier: Int
    /// The clamp applied to the output.
    public var activation: FusedActivation

    /// Parameters as given; `Graph.validated()` checks them against the tensors.
    public init(window: Window, depthMultiplier: Int, activation: FusedActivation) {
        self.window = window
        self.depthMultiplier = depthMultiplier
        self.activation = activation
    }
}

/// Parameters of average and max pooling.
public struct Pool2DParameters: Sendable, Equatable {
    /// Padding and strides (pooling has no dilation: both are 1).
    public var window: Window
    /// Rows of the window, at least 1 (the loader refuses 0).
    public var filterHeight: Int
    /// Columns of the window, at least 1 (the loader refuses 0).
    public var filterWidth: Int
    /// The clamp applied to the output.
    public var activation: FusedActivation

    /// Parameters as given; `Graph.validated()` checks that a window fits the input.
    public init(window: Window, filterHeight: Int, filterWidth: Int, activation: FusedActivation) {
        self.window = window
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.activation = activation
    }
}

/// What a node computes, with its parameters named and typed.
public enum Operation: Sendable, Equatable {
    case conv2D(Conv2DParameters)
    case depthwiseConv2D(DepthwiseConv2DParameters)
    /// The output shape comes from the model (and is checked to hold as many elements).
    case reshape
    case concatenation(axis: Int, activation: FusedActivation)
    case logistic
    case add(activation: FusedActivation)
    /// The first input minus the second.
    case sub(activation: FusedActivation)
    case mul(activation: FusedActivation)
    case averagePool2D(Pool2DParameters)
    case maxPool2D(Pool2DParameters)
    case relu
    case relu6
    /// e^x, element-wise.
    case exp
    /// exp(beta * x) normalized over the last axis (float tensors only).
    case softmax(beta: Float)
    /// The block of the input starting at `begin` with `size` elements on each axis (the input's rank).
    case slice(begin: [Int], size: [Int])
    /// Float to quantized, or quantized to quantized with new parameters.
    case quantize
    case dequantize
    /// An op the engine does not run itself (e.g. TFLite_Detection_PostProcess), with its options.
    case custom(name: String, options: FlexValue)

    /// The op's name as model files and error messages spell it.
    public var name: String {
        switch self {
        case .conv2D: "CONV_2D"
        case .depthwiseConv2D: "DEPTHWISE_CONV_2D"
        case .reshape: "RESHAPE"
        case .concatenation: "CONCATENATION"
        case .logistic: "LOGISTIC"
        case .add: "ADD"
        case .sub: "SUB"
        case .mul: "MUL"
        case .averagePool2D: "AVERAGE_POOL_2D"
        case .maxPool2D: "MAX_POOL_2D"
        case .relu: "RELU"
        case .relu6: "RELU6"
        case .exp: "EXP"
        case .softmax: "SOFTMAX"
        case .slice: "SLICE"
        case .quantize: "QUANTIZE"
        case .dequantize: "DEQUANTIZE"
        case .custom(let name, _): name
        }
    }

    /// Whether the engine leaves this op to its owner; see `Graph.splittingCustomTail()`.
    public var isCustom: Bool {
        if case .custom = self { return true }
        return false
    }
}

/// The arithmetic of ADD, SUB and MUL, for backends that run the three with one kernel.
public enum ElementwiseArithmetic: Sendable, Equatable {
    case add, subtract, multiply

    /// The real result for operands `a` and `b`.
    @inlinable
    public func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        }
    }
}

extension Operation {
    /// ADD, SUB and MUL as their arithmetic and fused activation; nil for every other op.
    public var elementwiseArithmetic: (arithmetic: ElementwiseArithmetic, activation: FusedActivation)? {
        switch self {
        case .add(let activation): (.add, activation)
        case .sub(let activation): (.subtract, activation)
        case .mul(let activation): (.multiply, activation)
        default: nil
        }
    }
}
