import SSD
import Testing
import TestSupport

struct LabelMapTests {
    @Test func plainTextWithABackgroundLine() throws {
        let labels = LabelMap(
            plainText: String(
                decoding: try Assets.bytes(at: Assets.defaultModelFolder.appendingPathComponent("labelmap.txt")),
                as: UTF8.self))
        #expect(labels.label(for: 0) == "person")
        #expect(labels.label(for: 1) == "bicycle")
        #expect(labels.label(for: 16) == "cat")
        #expect(labels.label(for: 17) == "dog")
        #expect(labels.label(for: 500) == "class 500")
    }

    /// UltraFace's labels (PyTorch SSD's voc-model-labels.txt): BACKGROUND, then face, the first class.
    @Test func plainTextWithABackgroundLineByName() throws {
        let labels = LabelMap(
            plainText: String(
                decoding: try Assets.bytes(at: Assets.models.appendingPathComponent("ultraface_rfb_320/labels.txt")),
                as: UTF8.self))
        #expect(labels.labels == [0: "face"])
        #expect(LabelMap(plainText: "background\naeroplane\n").labels == [0: "aeroplane"])
    }

    @Test func plainTextWithoutBackground() {
        let labels = LabelMap(plainText: "cat\r\ndog\n\n")
        #expect(labels.labels == [0: "cat", 1: "dog"])
    }

    @Test func pbtxtItemMaps() throws {
        let text = """
            # COCO, abridged
            item {
              name: "/m/01g317"
              id: 1
              display_name: "person"
            }
            item { id: 18 name: 'dog' }
            item { name: "background" id: 0 }
            """
        let labels = try LabelMap(pbtxt: text)
        #expect(labels.labels == [0: "person", 17: "dog"])
    }

    @Test(arguments: [
        "item { id: 1 ", "item { id: x name: 'a' }", "thing { }", "item { name: 'a' }", "item { id: 1 name: 'a }",
    ])
    func malformedPbtxtIsATypedError(_ text: String) {
        #expect(throws: SSDError.self) { try LabelMap(pbtxt: text) }
    }
}
