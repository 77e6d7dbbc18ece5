import Foundation
import ImageIO
import Inference
import SSD

extension SSDHandler {
    /// Runs a request through every step (JSON, base64, image decoding, preprocessing, network, postprocess at its
    /// widest settings, encoding), then the postprocess of every detector at the same settings, so that the
    /// server says ready only when a real request would work: a model whose postprocess cannot run fails here, at
    /// start-up, not on a client's request.
    func warmUp(_ pool: DetectorPool) async throws(InferenceError) {
        let picture: [UInt8]
        do {
            picture = try Self.warmUpPicture().jpegData(quality: 90)
        } catch {
            throw .internalError("warm-up: cannot encode its picture: \(error)")
        }
        let widest = pool.maximumDetections
        let body = Array(
            "{\"image\":\"\(Data(picture).base64EncodedString())\",\"threshold\":0,\"max_detections\":\(widest)}".utf8)
        do {
            _ = try await transform(body: body, contentType: "application/json", accept: nil, model: pool)
        } catch {
            throw .internalError("warm-up request failed: \(error.message)")
        }
        let image = try await inputFn(body: picture, contentType: "image/jpeg").images[0].pixels
        let outcomes = await pool.forEachDetector { detector in
            Result { () throws(SSDError) in
                _ = try detector.detect(image, scoreThreshold: 0, maximumDetections: widest)
            }
        }
        for case .failure(let error) in outcomes { throw .internalError("warm-up detection failed: \(error)") }
    }

    /// A small picture with edges and colours (a plain one could hide a postprocess that fails only on boxes).
    static func warmUpPicture() -> RGBImage {
        let (width, height) = (96, 72)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let inside = (24..<72).contains(x) && (18..<54).contains(y)
                pixels[(y * width + x) * 3] = UInt8(x * 255 / width)
                pixels[(y * width + x) * 3 + 1] = inside ? 220 : UInt8(y * 255 / height)
                pixels[(y * width + x) * 3 + 2] = inside ? 30 : 128
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
