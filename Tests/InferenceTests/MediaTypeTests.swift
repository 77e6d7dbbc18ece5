import Inference
import Testing

struct MediaTypeTests {
    @Test func parsesEssenceAndParameters() {
        let type = MediaType("Application/JSON; charset=\"utf-8\"; format=SageMaker")
        #expect(type?.essence == "application/json")
        #expect(type?.parameters == ["charset": "utf-8", "format": "SageMaker"])
        #expect(MediaType("json") == nil)
    }

    @Test func acceptListsAreOrderedByQuality() {
        let list = MediaType.acceptList("text/html;q=0.2, application/json;q=0.9, image/*, text/plain;q=0")
        #expect(list.map(\.essence) == ["image/*", "application/json", "text/html"])
        #expect(list[0].admits("image/png") && !list[0].admits("application/json"))
        #expect(MediaType.acceptList(nil).isEmpty && MediaType.acceptList(" ").isEmpty)
    }
}
