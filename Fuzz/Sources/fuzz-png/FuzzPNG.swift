import FuzzSupport
import ImageIO

/// PNG decoding (seeded with PNGs of every colour type, bit depth and interlacing): libpng's simplified API and
/// the alpha dropping.
@main
enum FuzzPNG {
    static func main() {
        Fuzzer.run { bytes in try ImageDecoder.fuzzing.fuzz(bytes) }
    }
}
