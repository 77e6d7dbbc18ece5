import Foundation
import ImageIO
import Testing
import TestSupport

/// Foundation's encoder is the independent reference for every decode here.
struct Base64Tests {
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    @Test func decodesEveryLengthFromFoundationsEncoding() throws {
        for length in 0..<200 {
            let bytes = Self.randomBytes(length, seed: UInt64(length))
            let text = Data(bytes).base64EncodedString()
            #expect(try Base64.decode(Array(text.utf8)) == bytes, "length \(length)")
        }
    }

    @Test func decodesALargePayload() throws {
        let bytes = Self.randomBytes(1 << 20, seed: 7)
        #expect(try Base64.decode(Array(Data(bytes).base64EncodedString().utf8)) == bytes)
    }

    @Test func acceptsURLSafeAlphabetWithoutPadding() throws {
        for length in [1, 2, 3, 100, 1001] {
            let bytes = Self.randomBytes(length, seed: 99)
            let urlSafe = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(try Base64.decode(Array(urlSafe.utf8)) == bytes, "length \(length)")
        }
    }

    @Test func acceptsMIMELineBreaksAndStrayWhitespace() throws {
        let bytes = Self.randomBytes(5000, seed: 3)
        let mime = Data(bytes).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn,
            .endLineWithLineFeed,
        ])
        #expect(mime.contains("\r\n"))
        #expect(try Base64.decode(Array(mime.utf8)) == bytes)
        let spaced = " \t" + Data(bytes).base64EncodedString(options: .lineLength64Characters) + "\n \n"
        #expect(try Base64.decode(Array(spaced.utf8)) == bytes)
    }

    @Test func stripsADataURLPrefix() throws {
        let bytes = Self.randomBytes(300, seed: 5)
        let url = "data:image/jpeg;base64," + Data(bytes).base64EncodedString()
        #expect(try Base64.decode(Array(url.utf8)) == bytes)
        #expect(throws: Base64Error.notBase64DataURL) { try Base64.decode(Array("data:image/png,abcd".utf8)) }
    }

    @Test(arguments: [
        ("QUJD*EVG", Base64Error.invalidCharacter(offset: 4, byte: UInt8(ascii: "*"))),
        ("QUJDREVG\u{7F}", .invalidCharacter(offset: 8, byte: 0x7F)),
        ("data:image/png;base64,QU.D", .invalidCharacter(offset: 24, byte: UInt8(ascii: "."))),
        ("QUJDR", .truncated(offset: 5)),
        ("Q===", .misplacedPadding(offset: 1)),
        ("QUJD=", .misplacedPadding(offset: 4)),
        ("QQ==QUJD", .misplacedPadding(offset: 4)),
        ("QQ===", .misplacedPadding(offset: 4)),
        ("QQ==\n!", .invalidCharacter(offset: 5, byte: UInt8(ascii: "!"))),
    ])
    func reportsTheFirstBadByte(input: String, expected: Base64Error) {
        #expect(throws: expected) { try Base64.decode(Array(input.utf8)) }
    }

    @Test func errorMessagesNameTheOffset() {
        #expect(
            Base64Error.invalidCharacter(offset: 12, byte: 0x2A).description
                == "invalid base64 character '*' at offset 12")
    }
}
