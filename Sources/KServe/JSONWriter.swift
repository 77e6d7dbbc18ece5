/// Writes the protocol's JSON straight into bytes: the headers are small, but a JSON tensor can hold hundreds of
/// thousands of numbers, which Foundation would box one by one.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value or key needs a comma before it.
    private var needsComma = false

    init(reservingCapacity capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func objectStart() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    mutating func objectEnd() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    mutating func arrayStart() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    mutating func arrayEnd() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// A member name; the value written next is its value.
    mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x0A: bytes += Array("\\n".utf8)
            case 0x0D: bytes += Array("\\r".utf8)
            case 0x09: bytes += Array("\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func bool(_ value: Bool) { raw(value ? "true" : "false") }

    mutating func integer(_ value: Int) { raw(String(value)) }

    /// A number as Swift prints it (the shortest text that reads back as the same value); non-finite values as
    /// Python's json module writes them (NaN, Infinity), which the protocol's Python clients read.
    mutating func number(_ value: Double) {
        if value.isNaN {
            raw("NaN")
        } else if value.isInfinite {
            raw(value < 0 ? "-Infinity" : "Infinity")
        } else if value == value.rounded(), abs(value) < 1e15 {
            raw(String(Int64(value)))
        } else {
            raw(String(value))
        }
    }

    /// An FP32 value as its own shortest text (Double's would print the float's binary expansion).
    mutating func number(_ value: Float) {
        if value.isFinite, value != value.rounded() || abs(value) >= 1e15 {
            raw(String(value))
        } else {
            number(Double(value))
        }
    }

    /// `text` as it is: a number or literal already formatted.
    mutating func raw(_ text: String) {
        separate()
        bytes += Array(text.utf8)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
