import FuzzSupport
import SSDService

/// The JSON body of a detection request: parsed, checked against the default limits, images base64-decoded.
@main
enum FuzzRequest {
    static func main() {
        Fuzzer.run { bytes in _ = try SSDRequest(json: Array(bytes), limits: SSDRequest.Limits()) }
    }
}
