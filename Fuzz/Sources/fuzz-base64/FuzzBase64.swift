import FuzzSupport
import ImageIO

/// Base64 payloads (any alphabet, padding, white space, data URLs): bytes out, or a `Base64Error`.
@main
enum FuzzBase64 {
    static func main() {
        Fuzzer.run { bytes in _ = try Base64.decode(bytes) }
    }
}
