import CPNG

/// PNG decoding through libpng's simplified API (no setjmp in Swift): every colour type, bit depth and
/// interlacing to RGB8. Alpha is dropped rather than composited, as PIL's `convert("RGB")` does.
struct PNGDecoder {
    var limits: ImageLimits

    func decode(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> DecodedImage {
        var png = png_image()
        try begin(&png, bytes)
        let (width, height) = (Int(png.width), Int(png.height))
        // Without this libpng takes 16-bit samples as linear light and gamma-encodes them on the way to 8 bits;
        // PIL keeps the encoding as stored, so 16-bit reduces to 8-bit plainly. (begin_read resets the flags.)
        png.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        // Reading with alpha and dropping it keeps the stored colour; asking libpng for RGB would composite.
        let hasAlpha = png.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let channels = hasAlpha ? 4 : 3
        png.format = UInt32(hasAlpha ? PNG_FORMAT_RGB | PNG_FORMAT_FLAG_ALPHA : PNG_FORMAT_RGB)
        var ok = false
        var pixels = [UInt8](unsafeUninitializedCapacity: width * height * channels) { buffer, count in
            ok = png_image_finish_read(&png, nil, buffer.baseAddress, Int32(width * channels), nil) != 0
            count = buffer.count
        }
        // finish_read releases libpng's memory itself, on success and on failure.
        guard ok else { throw Self.error(png) }
        if hasAlpha { pixels = Self.droppingAlpha(pixels) }
        return DecodedImage(
            image: RGBImage(width: width, height: height, pixels: pixels), format: .png,
            originalSize: ImageSize(width: width, height: height), orientation: .up, scale: (1, 1))
    }

    /// The header (libpng reads IHDR and the chunks before the image data), checked against the limits.
    func header(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> ImageHeader {
        var png = png_image()
        try begin(&png, bytes)
        defer { png_image_free(&png) }
        let (width, height) = (Int(png.width), Int(png.height))
        // Four channels read, then three kept, where the file has alpha.
        let hasAlpha = png.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        return ImageHeader(
            format: .png, width: width, height: height,
            decodingBytes: width * height * (hasAlpha ? 4 + 3 : 3))
    }

    /// Starts libpng's reader on `png` and reads up to the image data, checking the size against the limits; the
    /// caller frees it (finish_read does). In place: libpng keeps the address of `png` to report errors into, so
    /// the struct must never move while libpng holds it.
    private func begin(_ png: inout png_image, _ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) {
        png.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&png, bytes.baseAddress, bytes.count) != 0 else {
            throw Self.error(png)
        }
        do {
            try limits.check(width: Int(png.width), height: Int(png.height), format: .png)
        } catch {
            png_image_free(&png)
            throw error
        }
    }

    static func droppingAlpha(_ rgba: [UInt8]) -> [UInt8] {
        let pixels = rgba.count / 4
        return [UInt8](unsafeUninitializedCapacity: pixels * 3) { rgb, count in
            for p in 0..<pixels {
                rgb[3 * p] = rgba[4 * p]
                rgb[3 * p + 1] = rgba[4 * p + 1]
                rgb[3 * p + 2] = rgba[4 * p + 2]
            }
            count = pixels * 3
        }
    }

    /// libpng's message for the failure, typed: running out of data is `.truncated`, anything else `.corrupt`.
    static func error(_ png: png_image) -> ImageDecodingError {
        let detail = withUnsafeBytes(of: png.message) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        let lower = detail.lowercased()
        if lower.contains("not enough image data") || lower.contains("read beyond end") || lower.contains("eof") {
            return .truncated(format: .png, detail: detail)
        }
        return .corrupt(format: .png, detail: detail.isEmpty ? "libpng failed" : detail)
    }
}
