import CPNG
import CTurboJPEG

extension RGBImage {
    /// The image as a PNG file (libpng, default compression).
    public func pngData() throws(ImageEncodingError) -> [UInt8] {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(width)
        png.height = UInt32(height)
        png.format = UInt32(PNG_FORMAT_RGB)
        return try pixels.withBytes { (source) throws(ImageEncodingError) -> [UInt8] in
            // First call sizes the output, second writes it.
            var size = 0
            guard png_image_write_to_memory(&png, nil, &size, 0, source.baseAddress, Int32(rowStride), nil) != 0
            else { throw .codecFailure(format: .png, detail: PNGDecoder.error(png).description) }
            var ok = false
            let data = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                ok =
                    png_image_write_to_memory(
                        &png, buffer.baseAddress, &size, 0, source.baseAddress, Int32(rowStride), nil) != 0
                count = ok ? size : 0
            }
            guard ok else { throw .codecFailure(format: .png, detail: PNGDecoder.error(png).description) }
            return data
        }
    }

    /// The image as a baseline JPEG file (TurboJPEG, 4:2:0), at `quality` 1...100.
    public func jpegData(quality: Int = 90) throws(ImageEncodingError) -> [UInt8] {
        guard (1...100).contains(quality) else { throw .invalidQuality(quality) }
        let handle = try TurboJPEGHandle(compress: ())
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = pixels.withUnsafeBufferPointer { source in
            tjCompress2(
                handle.raw, source.baseAddress, Int32(width), Int32(rowStride), Int32(height),
                Int32(TJPF_RGB.rawValue), &output, &size, Int32(TJSAMP_420.rawValue), Int32(quality), 0)
        }
        defer { tjFree(output) }
        guard status == 0, let output else { throw .codecFailure(format: .jpeg, detail: handle.message) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
