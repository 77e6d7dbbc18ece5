/// Base64 decoding for image payloads.
///
/// Accepts the standard (`+/`) and URL-safe (`-_`) alphabets, with or without `=` padding, white space and line
/// breaks anywhere (MIME), and a leading `data:image/...;base64,` prefix. Written here rather than taken from a
/// package because none reports the offset of the first bad byte while also tolerating all of the above, and
/// because a table decoder with a white-space slow path runs at several GB/s (see docs/PERFORMANCE.md).
public enum Base64 {
    /// Decodes `input` into a new array; in place when its bytes are contiguous (a native string's UTF-8, an
    /// array), copied first otherwise.
    public static func decode(_ input: some Sequence<UInt8>) throws(Base64Error) -> [UInt8] {
        let inPlace: Result<[UInt8], Base64Error>? = input.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Base64Error) in try decode(UnsafeRawBufferPointer(buffer)) }
        }
        if let inPlace { return try inPlace.get() }
        return try Array(input).withBytes { (raw) throws(Base64Error) -> [UInt8] in try decode(raw) }
    }

    /// Decodes the base64 text in `input` into a new array.
    public static func decode(_ input: UnsafeRawBufferPointer) throws(Base64Error) -> [UInt8] {
        let start = try payloadStart(input)
        // One spare byte: the fast path stores 4 bytes for every 3 it produces.
        let capacity = (input.count - start) / 4 * 3 + 4
        var failure: Base64Error?
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            do throws(Base64Error) {
                count = try decode(input, from: start, into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        return output
    }

    /// Where the base64 text starts: after a `data:...;base64,` prefix when there is one.
    static func payloadStart(_ input: UnsafeRawBufferPointer) throws(Base64Error) -> Int {
        let prefix = Array("data:".utf8)
        guard input.count >= prefix.count, prefix.indices.allSatisfy({ input[$0] | 0x20 == prefix[$0] | 0x20 }) else {
            return 0
        }
        // Media types are short; do not scan a large payload looking for a comma.
        guard let comma = input.prefix(256).firstIndex(of: UInt8(ascii: ",")) else { throw .notBase64DataURL }
        let marker = Array(";base64".utf8)
        guard comma >= marker.count,
            marker.indices.allSatisfy({ input[comma - marker.count + $0] | 0x20 == marker[$0] | 0x20 })
        else { throw .notBase64DataURL }
        return comma + 1
    }

    /// Decodes `input[start...]` into `output`, which must hold `(count - start) / 4 * 3 + 4` bytes.
    /// Returns the number of bytes written.
    static func decode(
        _ input: UnsafeRawBufferPointer, from start: Int, into output: UnsafeMutableRawBufferPointer
    ) throws(Base64Error) -> Int {
        guard let source = input.baseAddress, let target = output.baseAddress else { return 0 }
        let tables = DecodeTables.shared
        return try tables.groups.withUnsafeBufferPointer { (groups) throws(Base64Error) -> Int in
            try decode(source, count: input.count, from: start, into: target, tables: tables, groups: groups)
        }
    }

    private static func decode(
        _ source: UnsafeRawPointer, count n: Int, from start: Int, into target: UnsafeMutableRawPointer,
        tables: DecodeTables, groups: UnsafeBufferPointer<UInt32>
    ) throws(Base64Error) -> Int {
        var i = start
        var o = 0
        while true {
            // Fast path: four alphabet characters in a row make three bytes, stored as one 32-bit write.
            while i + 4 <= n {
                let word =
                    groups[Int(source.load(fromByteOffset: i, as: UInt8.self))]
                    | groups[256 + Int(source.load(fromByteOffset: i + 1, as: UInt8.self))]
                    | groups[512 + Int(source.load(fromByteOffset: i + 2, as: UInt8.self))]
                    | groups[768 + Int(source.load(fromByteOffset: i + 3, as: UInt8.self))]
                if word >= DecodeTables.invalid { break }
                target.storeBytes(of: word.littleEndian, toByteOffset: o, as: UInt32.self)
                i += 4
                o += 3
            }
            // Slow path: one group of four, skipping white space and handling padding and the end.
            var sextets: UInt32 = 0
            var count = 0
            while count < 4 && i < n {
                let byte = source.load(fromByteOffset: i, as: UInt8.self)
                let value = tables.value[Int(byte)]
                if value < 64 {
                    sextets = sextets << 6 | UInt32(value)
                    count += 1
                } else if value == DecodeTables.padding {
                    try finishPadding(UnsafeRawBufferPointer(start: source, count: n), at: i, groupCount: count)
                    i = n
                    break
                } else if value != DecodeTables.whitespace {
                    throw .invalidCharacter(offset: i, byte: byte)
                }
                i += 1
            }
            switch count {
            case 4:
                target.storeBytes(of: UInt8(truncatingIfNeeded: sextets >> 16), toByteOffset: o, as: UInt8.self)
                target.storeBytes(of: UInt8(truncatingIfNeeded: sextets >> 8), toByteOffset: o + 1, as: UInt8.self)
                target.storeBytes(of: UInt8(truncatingIfNeeded: sextets), toByteOffset: o + 2, as: UInt8.self)
                o += 3
                continue
            case 3:
                target.storeBytes(of: UInt8(truncatingIfNeeded: sextets >> 10), toByteOffset: o, as: UInt8.self)
                target.storeBytes(of: UInt8(truncatingIfNeeded: sextets >> 2), toByteOffset: o + 1, as: UInt8.self)
                o += 2
            case 2:
                target.storeBytes(of: UInt8(truncatingIfNeeded: sextets >> 4), toByteOffset: o, as: UInt8.self)
                o += 1
            case 1:
                throw .truncated(offset: n)
            default:
                break
            }
            return o
        }
    }

    /// Checks what follows the first `=` at `offset`: at most the padding the group needs, then only white space.
    private static func finishPadding(
        _ input: UnsafeRawBufferPointer, at offset: Int, groupCount: Int
    ) throws(Base64Error) {
        guard groupCount >= 2 else { throw .misplacedPadding(offset: offset) }
        var pads = 0
        for i in offset..<input.count {
            let value = DecodeTables.shared.value[Int(input[i])]
            if value == DecodeTables.padding {
                pads += 1
                if groupCount + pads > 4 { throw .misplacedPadding(offset: i) }
            } else if value != DecodeTables.whitespace {
                throw value < 64 ? .misplacedPadding(offset: i) : .invalidCharacter(offset: i, byte: input[i])
            }
        }
    }
}

/// Lookup tables for `Base64`: `value` maps a byte to its sextet (or a class marker); the four 256-entry quarters
/// of `groups` map the four characters of a group straight to their bits in the little-endian output word, so a
/// group is four loads and three ORs, and any non-alphabet byte sets bit 24 or above.
private struct DecodeTables: Sendable {
    static let invalid: UInt32 = 0x0100_0000
    static let whitespace: UInt8 = 0xFE
    static let padding: UInt8 = 0xFD
    static let badByte: UInt8 = 0xFF

    static let shared = DecodeTables()

    let value: [UInt8]
    let groups: [UInt32]

    private init() {
        var value = [UInt8](repeating: Self.badByte, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() {
            value[Int(c)] = UInt8(i)
        }
        for c in "+-".utf8 { value[Int(c)] = 62 }
        for c in "/_".utf8 { value[Int(c)] = 63 }
        for c in " \t\r\n\u{0B}\u{0C}".utf8 { value[Int(c)] = Self.whitespace }
        value[Int(UInt8(ascii: "="))] = Self.padding
        self.value = value

        func table(_ bits: (UInt32) -> UInt32) -> [UInt32] {
            value.map { $0 < 64 ? bits(UInt32($0)) : 0x01FF_FFFF }
        }
        groups =
            table { $0 << 2 } + table { ($0 >> 4) | (($0 & 0x0F) << 12) }
            + table { (($0 >> 2) << 8) | (($0 & 0x03) << 22) } + table { $0 << 16 }
    }
}
