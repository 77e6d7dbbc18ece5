import FuzzSupport
import ImageIO

/// JPEG decoding (seeded with JPEGs; the decoder sniffs, so mutants that turn into PNGs are decoded too): EXIF and
/// marker walking, libjpeg-turbo, CMYK conversion, orientation.
@main
enum FuzzJPEG {
    static func main() {
        Fuzzer.run { bytes in try ImageDecoder.fuzzing.fuzz(bytes) }
    }
}
