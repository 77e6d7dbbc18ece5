import Testing

@testable import Server

struct AdmissionTests {
    @Test func admitsUpToItsCapacityAndAgainAfterALeave() {
        let admission = Admission(capacity: 2)
        #expect(admission.tryEnter() && admission.tryEnter())
        #expect(!admission.tryEnter())
        admission.leave()
        #expect(admission.tryEnter())
        #expect(!admission.tryEnter())
    }

    @Test func withoutACapacityAdmitsAll() {
        let admission = Admission(capacity: nil)
        #expect((0..<10_000).allSatisfy { _ in admission.tryEnter() })
    }
}
