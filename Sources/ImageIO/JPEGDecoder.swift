import CTurboJPEG

/// JPEG decoding through TurboJPEG: baseline, progressive, grayscale, CMYK and YCCK, all to RGB8, upright.
struct JPEGDecoder {
    /// More scans than this is a decoding-time attack, not a photograph (libjpeg-turbo 3 suggests the same bound).
    static let maxScans = 500

    var limits: ImageLimits
    var warnings: JPEGWarningPolicy

    func decode(_ bytes: UnsafeRawBufferPointer, reduceTo target: ImageSize?) throws(ImageDecodingError)
        -> DecodedImage
    {
        let (header, metadata, colorspace, handle) = try self.header(bytes)
        let (width, height) = (header.width, header.height)
        let source = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)

        let scale = Self.scale(width: width, height: height, orientation: metadata.orientation, target)
        let scaledWidth = (width * scale.numerator + scale.denominator - 1) / scale.denominator
        let scaledHeight = (height * scale.numerator + scale.denominator - 1) / scale.denominator

        // libjpeg converts CMYK to nothing but CMYK, so those are converted here.
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let channels = isCMYK ? 4 : 3
        let pixelFormat = isCMYK ? TJPF_CMYK : TJPF_RGB
        let flags = warnings == .reject ? TJFLAG_STOPONWARNING : 0
        var failed = false
        var decoded = [UInt8](unsafeUninitializedCapacity: scaledWidth * scaledHeight * channels) { buffer, count in
            failed =
                tjDecompress2(
                    handle.raw, source, UInt(bytes.count), buffer.baseAddress, Int32(scaledWidth),
                    Int32(scaledWidth * channels), Int32(scaledHeight), Int32(pixelFormat.rawValue), flags) != 0
            count = buffer.count
        }
        // With `.accept`, a warning still returns -1 but leaves a complete (if damaged) picture.
        if failed && (warnings == .reject || tjGetErrorCode(handle.raw) == Int32(TJERR_FATAL.rawValue)) {
            throw handle.error(whileDecoding: bytes)
        }
        if isCMYK { decoded = Self.rgb(fromCMYK: decoded, inverted: metadata.hasAdobeMarker) }

        let stored = RGBImage(width: scaledWidth, height: scaledHeight, pixels: decoded)
        let swaps = metadata.orientation.swapsDimensions
        return DecodedImage(
            image: stored.applying(metadata.orientation), format: .jpeg,
            originalSize: ImageSize(width: swaps ? height : width, height: swaps ? width : height),
            orientation: metadata.orientation, scale: scale)
    }

    /// The header, checked against the limits and the scan bound, with what decoding needs next: the metadata,
    /// the colour space, and the TurboJPEG handle that read it.
    func header(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError)
        -> (header: ImageHeader, metadata: JPEGMetadata, colorspace: Int32, handle: TurboJPEGHandle)
    {
        let metadata = JPEGMetadata(bytes)
        guard metadata.scanCount <= Self.maxScans else {
            throw .corrupt(format: .jpeg, detail: "\(metadata.scanCount) scans (at most \(Self.maxScans) accepted)")
        }
        let handle = try TurboJPEGHandle(decompress: ())
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        let source = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        if tjDecompressHeader3(handle.raw, source, UInt(bytes.count), &width, &height, &subsampling, &colorspace) != 0 {
            throw handle.error(whileDecoding: bytes)
        }
        // libjpeg-turbo stops at a fake end of image when the data runs out, and reports no frame rather than fail.
        if width == 0 || height == 0 { throw .truncated(format: .jpeg, detail: "no image frame before the data ends") }
        try limits.check(width: Int(width), height: Int(height), format: .jpeg)

        let pixels = Int(width) * Int(height)
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let components = isCMYK ? 4 : colorspace == Int32(TJCS_GRAY.rawValue) ? 1 : 3
        var bytesPerPixel = isCMYK ? 4 + 3 : 3
        if metadata.orientation != .up { bytesPerPixel += 3 }
        // A progressive file, or one whose components come in separate scans, is decoded from a coefficient buffer
        // of the whole image: 2 bytes a sample, at most.
        if metadata.isProgressive || metadata.scanCount > 1 { bytesPerPixel += 2 * components }
        let header = ImageHeader(
            format: .jpeg, width: Int(width), height: Int(height),
            decodingBytes: pixels * bytesPerPixel)
        return (header, metadata, colorspace, handle)
    }

    /// The smallest of 1/2, 1/4, 1/8 whose upright output still covers `target`; 1/1 without one or when none does.
    /// Only powers of two: libjpeg-turbo's other n/8 scales decode no faster than full size here and agree worse
    /// with Pillow (docs/PERFORMANCE.md), and Pillow's own `draft` mode makes the same choice.
    static func scale(width: Int, height: Int, orientation: Orientation, _ target: ImageSize?)
        -> (numerator: Int, denominator: Int)
    {
        guard let target else { return (1, 1) }
        let (needW, needH) = orientation.swapsDimensions ? (target.height, target.width) : (target.width, target.height)
        var best = (numerator: 1, denominator: 1)
        for denominator in [2, 4, 8] {
            let scaledW = (width + denominator - 1) / denominator
            let scaledH = (height + denominator - 1) / denominator
            guard scaledW >= needW && scaledH >= needH else { break }
            best = (1, denominator)
        }
        return best
    }

    /// CMYK to RGB as PIL does it (R = (255 - C)(255 - K) / 255), un-inverting Adobe-style samples first.
    static func rgb(fromCMYK cmyk: [UInt8], inverted: Bool) -> [UInt8] {
        let pixels = cmyk.count / 4
        return [UInt8](unsafeUninitializedCapacity: pixels * 3) { rgb, count in
            for p in 0..<pixels {
                var k = Int(cmyk[4 * p + 3])
                if inverted { k = 255 - k }
                for c in 0..<3 {
                    var v = Int(cmyk[4 * p + c])
                    if inverted { v = 255 - v }
                    // (255 - v) * (255 - k) / 255, rounded, in integers.
                    let t = (255 - v) * (255 - k) + 128
                    rgb[3 * p + c] = UInt8((t + (t >> 8)) >> 8)
                }
            }
            count = pixels * 3
        }
    }
}

/// Owns one TurboJPEG handle.
final class TurboJPEGHandle {
    let raw: tjhandle

    init(decompress: Void) throws(ImageDecodingError) {
        guard let raw = tjInitDecompress() else { throw .corrupt(format: .jpeg, detail: "cannot start TurboJPEG") }
        self.raw = raw
    }

    init(compress: Void) throws(ImageEncodingError) {
        guard let raw = tjInitCompress() else { throw .codecFailure(format: .jpeg, detail: "cannot start TurboJPEG") }
        self.raw = raw
    }

    deinit { tjDestroy(raw) }

    var message: String { String(cString: tjGetErrorStr2(raw)) }

    /// The handle's last error as a typed decoding error: truncation is told apart from other damage.
    func error(whileDecoding bytes: UnsafeRawBufferPointer) -> ImageDecodingError {
        let detail = message
        if detail.contains("Premature end") || detail.contains("premature end") {
            return .truncated(format: .jpeg, detail: detail)
        }
        return .corrupt(format: .jpeg, detail: detail)
    }
}
