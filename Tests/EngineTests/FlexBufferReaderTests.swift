import Engine
import Testing

/// Hand-assembled FlexBuffers (layout from the format's documentation) and damaged ones.
struct FlexBufferReaderTests {
    @Test func decodesScalarsAtTheRoot() throws {
        // Root: int 7, packed type INT (1 << 2 | width 0), root width 1.
        #expect(try FlexBufferReader([7, 0x04, 1]).decode() == .int(7))
        #expect(try FlexBufferReader([0xFF, 0x04, 1]).decode() == .int(-1))
        #expect(try FlexBufferReader([0xFF, 0x08, 1]).decode() == .uint(255))
        #expect(try FlexBufferReader([1, 0x68, 1]).decode() == .bool(true))
        // Float 2.5 in 4 bytes: packed type FLOAT (3 << 2 | 2), root width 4.
        let bits = Float(2.5).bitPattern
        let bytes = [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24), 0x0E, 4]
        #expect(try FlexBufferReader(bytes).decode() == .float(2.5))
    }

    @Test func decodesAMap() throws {
        // "a\0b\0", key vector [len 2, ->a, ->b], map [keys offset, key width, len 2, 7, 9, types INT INT], root.
        let bytes: [UInt8] = [
            0x61, 0x00, 0x62, 0x00,  // 0..3: keys
            0x02, 0x05, 0x04,  // 4: length; 5: 5-5=0 -> "a"; 6: 6-4=2 -> "b"
            0x02, 0x01, 0x02,  // 7: key vector at 7-2=5; 8: key width 1; 9: length 2
            0x07, 0x09,  // 10, 11: values
            0x04, 0x04,  // 12, 13: value types INT, INT
            0x04, 0x24, 0x01,  // 14: root offset 14-4=10; packed MAP (9 << 2); root width 1
        ]
        let value = try FlexBufferReader(bytes).decode()
        #expect(value["a"] == .int(7))
        #expect(value["b"] == .int(9))
        #expect(value["c"] == nil)
    }

    /// Found by fuzzing (fuzz-flexbuffers): a map's key width stored in 8 bytes, past Int.max, trapped.
    @Test func aKeyWidthPastIntMaxIsATypedError() {
        // An empty map of width 8: keys offset 0 (-> 0), key width 2^64 - 1, length 0; root width 1 -> the map at 24.
        let bytes: [UInt8] =
            [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 0xFF, count: 8)
            + [UInt8](repeating: 0, count: 8) + [0x00, 0x27, 0x01]
        #expect(throws: FlexBufferError.invalid("map key width \(UInt64.max)")) { try FlexBufferReader(bytes).decode() }
    }

    /// Found by fuzzing (fuzz-flexbuffers): offsets that point many times at one vector made a few hundred bytes
    /// decode to gigabytes.
    @Test func sharedOffsetsCannotAmplifyTheDecodedValue() {
        // A vector of 4 ints, then 8 vectors of 4 offsets all to the vector before: 4^9 = 262,144 ints from 84 bytes.
        // Each vector is [length 4, 4 elements, 4 packed types], at width 1.
        var bytes: [UInt8] = [4, 1, 2, 3, 4, 0x04, 0x04, 0x04, 0x04]
        var previous = 1  // where the last vector's elements start
        for _ in 0..<8 {
            bytes.append(4)
            let start = bytes.count
            for _ in 0..<4 { bytes.append(UInt8(bytes.count - previous)) }
            bytes += [0x28, 0x28, 0x28, 0x28]  // VECTOR (10 << 2), width 1
            previous = start
        }
        bytes += [UInt8(bytes.count - previous), 0x28, 1]  // root: the last vector; root width 1
        #expect(throws: FlexBufferError.self) { _ = try FlexBufferReader(bytes).decode() }  // (not printed if not)
    }

    @Test func damagedBlobsAreTypedErrors() {
        for bytes in [[], [1], [0x04, 3], [7, 0x04, 3], [0x20, 0x24, 1], [0x02, 0xFC, 1]] as [[UInt8]] {
            #expect(throws: FlexBufferError.self, "\(bytes)") { try FlexBufferReader(bytes).decode() }
        }
    }
}
