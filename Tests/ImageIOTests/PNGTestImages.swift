import CPNG

/// Writes PNG test files with libpng's low-level API, so every colour type, bit depth, palette, tRNS and
/// interlacing can be made exactly as specified (the simplified write API cannot interlace).
enum PNGTestImages {
    enum ColorType: Int32 {
        case gray = 0
        case rgb = 2
        case palette = 3
        case grayAlpha = 4
        case rgba = 6
    }

    /// A PNG of `rows` (raw PNG sample bytes, 16-bit big-endian) with the given header fields.
    static func encode(
        width: Int, height: Int, colorType: ColorType, bitDepth: Int32 = 8, interlaced: Bool = false,
        rows: [[UInt8]], palette: [(UInt8, UInt8, UInt8)] = [], transparency: [UInt8] = []
    ) -> [UInt8] {
        let sink = Sink()
        // Test inputs are valid, so libpng's errors (which would longjmp) cannot happen; fail loudly if they do.
        var png = png_create_write_struct(
            PNG_LIBPNG_VER_STRING, nil, { _, message in fatalError(String(cString: message!)) }, nil)
        var info = png_create_info_struct(png)
        png_set_write_fn(
            png, Unmanaged.passUnretained(sink).toOpaque(),
            { png, data, length in
                let sink = Unmanaged<Sink>.fromOpaque(png_get_io_ptr(png)!).takeUnretainedValue()
                sink.bytes += UnsafeBufferPointer(start: data, count: length)
            }, nil)
        png_set_IHDR(
            png, info, UInt32(width), UInt32(height), bitDepth, colorType.rawValue, interlaced ? 1 : 0, 0, 0)
        if !palette.isEmpty {
            var colors = palette.map { png_color(red: $0.0, green: $0.1, blue: $0.2) }
            png_set_PLTE(png, info, &colors, Int32(colors.count))
        }
        if !transparency.isEmpty {
            var alpha = transparency
            png_set_tRNS(png, info, &alpha, Int32(alpha.count), nil)
        }
        png_write_info(png, info)
        // Row storage libpng can hold pointers to for the whole write.
        var rowPointers: [UnsafeMutablePointer<UInt8>?] = rows.map { row in
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: row.count)
            p.initialize(from: row, count: row.count)
            return p
        }
        defer { rowPointers.forEach { $0?.deallocate() } }
        rowPointers.withUnsafeMutableBufferPointer { png_write_image(png, $0.baseAddress) }
        png_write_end(png, nil)
        png_destroy_write_struct(&png, &info)
        return sink.bytes
    }

    private final class Sink {
        var bytes: [UInt8] = []
    }
}
