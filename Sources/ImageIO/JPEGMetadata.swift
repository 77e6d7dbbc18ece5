/// What a JPEG says about itself outside the pixel data, read by walking its marker segments.
///
/// TurboJPEG does not expose APP segments, and the decoder needs three things from them: the EXIF orientation,
/// whether CMYK data is Adobe-inverted, and how many scans the file has (a hostile progressive JPEG with
/// thousands of scans takes minutes to decode, so it is refused up front).
struct JPEGMetadata: Equatable {
    /// EXIF orientation, `.up` when absent or unreadable.
    var orientation: Orientation = .up
    /// An Adobe APP14 segment was present (CMYK/YCCK samples are then stored inverted, as Photoshop writes them).
    var hasAdobeMarker = false
    /// A progressive (or lossless, or hierarchical) frame: decoded from a coefficient buffer of the whole image.
    var isProgressive = false
    /// Start-of-scan markers in the file (1 for baseline, about 10 for a typical progressive JPEG).
    var scanCount = 0

    /// Reads the metadata of the JPEG in `bytes`. Malformed segments are ignored here: the codec reports them.
    init(_ bytes: UnsafeRawBufferPointer) {
        var i = 2  // after SOI
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else { break }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { break }
            let segment = UnsafeRawBufferPointer(rebasing: bytes[(i + 4)..<(i + 2 + length)])
            switch marker {
            case 0xE1: if let value = Self.exifOrientation(segment) { orientation = value }
            case 0xEE: if segment.starts(with: Array("Adobe".utf8)) { hasAdobeMarker = true }
            case 0xC2, 0xC3, 0xC6, 0xC7, 0xCA, 0xCB, 0xCE, 0xCF: isProgressive = true
            case 0xDA:
                scanCount = Self.countScans(bytes, from: i)
                return
            default: break
            }
            i += 2 + length
        }
    }

    /// Counts SOS markers from `start` on. Entropy-coded data stuffs every 0xFF data byte as FF 00, so an
    /// FF DA pair is always a real marker.
    private static func countScans(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var count = 0
        var i = start
        while let j = bytes[i...].firstIndex(of: 0xFF), j + 1 < bytes.count {
            if bytes[j + 1] == 0xDA { count += 1 }
            i = j + 1
        }
        return count
    }

    /// The orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment, bounds-checked throughout.
    static func exifOrientation(_ segment: UnsafeRawBufferPointer) -> Orientation? {
        let header: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]  // "Exif\0\0"
        guard segment.starts(with: header) else { return nil }
        let tiff = UnsafeRawBufferPointer(rebasing: segment[header.count...])
        guard tiff.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): bigEndian = false
        case (0x4D, 0x4D): bigEndian = true
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return bigEndian ? Int(tiff[at]) << 8 | Int(tiff[at + 1]) : Int(tiff[at + 1]) << 8 | Int(tiff[at])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return bigEndian ? a << 16 | b : b << 16 | a
        }
        guard u16(2) == 42, let ifd = u32(4), let entries = u16(ifd) else { return nil }
        for e in 0..<entries {
            let entry = ifd + 2 + e * 12
            guard let tag = u16(entry) else { return nil }
            // Orientation is a SHORT with count 1, its value in the first two bytes of the value field.
            if tag == 0x0112, u16(entry + 2) == 3, let value = u16(entry + 8) {
                return Orientation(rawValue: value)
            }
        }
        return nil
    }
}
