import Engine
import FuzzSupport
import SSD

/// A custom op's FlexBuffers options on their own: decoded, printed (as error messages do), and read as
/// TFLite_Detection_PostProcess options.
@main
enum FuzzFlexBuffers {
    static func main() {
        Fuzzer.run { bytes in
            let value = try FlexBufferReader(Array(bytes)).decode()
            _ = value.description
            // Most seeds are other values than these options; only the decoding must succeed on every seed.
            _ = try? PostprocessOptions(tfliteOptions: value)
        }
    }
}
