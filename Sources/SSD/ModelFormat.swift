/// The file format of a model's graph and weights, as model.json's `format` names it.
public enum ModelFormat: String, Sendable, CaseIterable {
    /// TensorFlow Lite FlatBuffers (.tflite), read by Engine's TFLiteLoader.
    case tflite
    /// ONNX protobuf (.onnx).
    case onnx
}
