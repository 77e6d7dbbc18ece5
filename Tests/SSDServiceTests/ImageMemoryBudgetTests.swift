import Inference
import SSDService
import Testing

struct ImageMemoryBudgetTests {
    @Test func reservationsWithinTheCapacityAreGrantedAndGivenBackWhenDropped() async throws {
        let budget = ImageMemoryBudget(capacity: 100)
        var first: ImageMemoryBudget.Reservation? = try await budget.reserve(60)
        let second = try await budget.reserve(40)
        #expect(budget.available == 0 && first?.bytes == 60 && second.bytes == 40)
        first = nil
        #expect(budget.available == 60)
        second.shrink(to: 10)
        #expect(budget.available == 90 && second.bytes == 10)
    }

    @Test func moreThanTheWholeCapacityIs413AtOnce() async {
        let budget = ImageMemoryBudget(capacity: 100)
        do {
            _ = try await budget.reserve(101)
            Issue.record("a reservation over the capacity was granted")
        } catch {
            #expect(error.status == 413 && error.code == "images_too_large")
        }
        #expect(budget.available == 100)
    }

    @Test func waitersAreServedInOrderAndASmallOneDoesNotOvertakeALargeOne() async throws {
        let budget = ImageMemoryBudget(capacity: 100)
        var held: ImageMemoryBudget.Reservation? = try await budget.reserve(90)
        let order = OrderLog()
        let large = Task {
            let reservation = try await budget.reserve(80)
            await order.append("large")
            return reservation
        }
        while budget.waiting < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let small = Task {
            let reservation = try await budget.reserve(10)  // would fit now, but the large one came first
            await order.append("small")
            return reservation
        }
        while budget.waiting < 2 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(await order.entries.isEmpty)
        held = nil
        let granted = [try await large.value, try await small.value]
        #expect(await order.entries == ["large", "small"])
        #expect(budget.available == 10 && granted.map(\.bytes) == [80, 10])
        _ = held
    }
}

actor OrderLog {
    var entries: [String] = []
    func append(_ entry: String) { entries.append(entry) }
}
