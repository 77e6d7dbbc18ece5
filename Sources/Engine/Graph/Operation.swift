/// Padding scheme of convolutions and pooling, as TensorFlow defines it.
public enum Padding: String, Sendable, Equatable {
    /// Output size ceil(input / stride); the input is padded evenly, the extra row or column at the end.
    case same
    /// No padding: only windows wholly inside the input.
    case valid
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
    public var padding: Padding
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int

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
    public var window: Window
    public var activation: FusedActivation

    public init(window: Window, activation: FusedActivation) {
        self.window = window
        self.activation = activation
    }
}

/// Parameters of a depthwise convolution. Inputs: data [N,H,W,C], filter [1,KH,KW,C*multiplier], optional bias.
public struct DepthwiseConv2DParameters: Sendable, Equatable {
    public var window: Window
    public var depthMultiplier: Int
    public var activation: FusedActivation

    public init(window: Window, depthMultiplier: Int, activation: FusedActivation) {
        self.window = window
        self.depthMultiplier = depthMultiplier
        self.activation = activation
    }
}

/// Parameters of average and max pooling.
public struct Pool2DParameters: Sendable, Equatable {
    public var window: Window
    public var filterHeight: Int
    public var filterWidth: Int
    public var activation: FusedActivation

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
    case mul(activation: FusedActivation)
    case averagePool2D(Pool2DParameters)
    case maxPool2D(Pool2DParameters)
    case relu
    case relu6
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
        case .mul: "MUL"
        case .averagePool2D: "AVERAGE_POOL_2D"
        case .maxPool2D: "MAX_POOL_2D"
        case .relu: "RELU"
        case .relu6: "RELU6"
        case .quantize: "QUANTIZE"
        case .dequantize: "DEQUANTIZE"
        case .custom(let name, _): name
        }
    }

    public var isCustom: Bool {
        if case .custom = self { return true }
        return false
    }
}
