/// Field indices and enum values of tensorflow/lite/schema/schema.fbs (schema version 3) that the loader reads.
enum TFLiteSchema {
    static let fileIdentifier = "TFL3"

    enum Model { static let version = 0, operatorCodes = 1, subgraphs = 2, description = 3, buffers = 4 }
    enum SubGraph { static let tensors = 0, inputs = 1, outputs = 2, operators = 3, name = 4 }
    enum Tensor { static let shape = 0, type = 1, buffer = 2, name = 3, quantization = 4 }
    enum Quantization { static let scale = 2, zeroPoint = 3, quantizedDimension = 6 }
    enum Buffer { static let data = 0 }
    enum OperatorCode { static let deprecatedBuiltinCode = 0, customCode = 1, version = 2, builtinCode = 3 }
    enum Operator {
        static let opcodeIndex = 0, inputs = 1, outputs = 2, builtinOptionsType = 3, builtinOptions = 4
        static let customOptions = 5
    }
    enum Conv2DOptions {
        static let padding = 0, strideW = 1, strideH = 2, activation = 3, dilationW = 4, dilationH = 5
    }
    enum DepthwiseConv2DOptions {
        static let padding = 0, strideW = 1, strideH = 2, depthMultiplier = 3, activation = 4, dilationW = 5
        static let dilationH = 6
    }
    enum Pool2DOptions {
        static let padding = 0, strideW = 1, strideH = 2, filterWidth = 3, filterHeight = 4, activation = 5
    }
    enum ConcatenationOptions { static let axis = 0, activation = 1 }
    /// AddOptions and MulOptions.
    enum ArithmeticOptions { static let activation = 0 }

    /// BuiltinOperator codes.
    enum Builtin {
        static let add: Int32 = 0, averagePool2D: Int32 = 1, concatenation: Int32 = 2, conv2D: Int32 = 3
        static let depthwiseConv2D: Int32 = 4, dequantize: Int32 = 6, logistic: Int32 = 14, maxPool2D: Int32 = 17
        static let mul: Int32 = 18, relu: Int32 = 19, relu6: Int32 = 21, reshape: Int32 = 22, custom: Int32 = 32
        static let quantize: Int32 = 114
        /// Operators whose deprecated 8-bit code saturates at this value store the real code in builtin_code.
        static let placeholderForGreaterOpCodes: Int32 = 127
    }

    /// TensorType values.
    static func dataType(_ code: UInt8) -> DataType? {
        switch code {
        case 0: .float32
        case 2: .int32
        case 3: .uint8
        case 4: .int64
        case 9: .int8
        default: nil
        }
    }

    static func padding(_ code: UInt8) -> Padding? {
        switch code {
        case 0: .same
        case 1: .valid
        default: nil
        }
    }

    static func activation(_ code: UInt8) -> FusedActivation? {
        switch code {
        case 0: FusedActivation.none
        case 1: .relu
        case 2: .reluN1To1
        case 3: .relu6
        default: nil
        }
    }
}
