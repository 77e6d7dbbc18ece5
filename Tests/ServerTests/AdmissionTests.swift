import Synchronization
import Testing

@testable import Server

struct AdmissionTests {
    /// Reads a body and enters, as an invocation does.
    static func enter(_ admission: Admission) async -> Bool {
        guard admission.tryStartReading() else { return false }
        return await admission.enter()
    }

    @Test func admitsUpToItsCapacityAndAgainAfterALeave() async {
        let admission = Admission(capacity: 2)
        #expect(await Self.enter(admission))
        #expect(await Self.enter(admission))
        #expect(!admission.hasRoom)
        #expect(admission.arrive(wake: {}) != nil)
        admission.leave()
        #expect(admission.waiting == 0, "the head in line was not woken for the freed place")
        #expect(await Self.enter(admission))
        #expect(!admission.hasRoom)
    }

    @Test func withoutACapacityAdmitsAllAndNeverQueues() async {
        let admission = Admission(capacity: nil)
        #expect((0..<10_000).allSatisfy { _ in admission.tryStartReading() })
        #expect(admission.arrive(wake: {}) == nil)
    }

    @Test func readingPlacesAreBoundedApartFromInvocations() async {
        let admission = Admission(capacity: 1)
        let readingCapacity = admission.readingCapacity ?? 0
        #expect(readingCapacity == 16)
        #expect((0..<readingCapacity).allSatisfy { _ in admission.tryStartReading() })
        #expect(!admission.tryStartReading())
        #expect(!admission.hasRoom)
        #expect(await admission.enter())
        // Its reading place is free again, yet the invocations are full: a head waits.
        #expect(admission.tryStartReading())
        #expect(admission.arrive(wake: {}) != nil)
    }

    /// Two bodies read side by side: the second to finish waits for the first's place, ahead of any head.
    @Test func aWholeBodyWaitsForAPlaceAheadOfTheHeads() async throws {
        let admission = Admission(capacity: 1)
        #expect(admission.tryStartReading() && admission.tryStartReading())
        #expect(await admission.enter())
        let second = Task { await admission.enter() }
        while admission.entering == 0 { await Task.yield() }
        let headWoken = Mutex(false)
        #expect(admission.arrive { headWoken.withLock { $0 = true } } != nil)
        admission.leave()
        #expect(await second.value)
        #expect(!headWoken.withLock { $0 }, "a head was woken for the place a whole body waited for")
        admission.leave()
        #expect(headWoken.withLock { $0 })
    }

    @Test func aCancelledEntrantGivesBackItsReadingPlace() async {
        let admission = Admission(capacity: 1)
        #expect(admission.tryStartReading() && admission.tryStartReading())
        #expect(await admission.enter())
        let second = Task { await admission.enter() }
        while admission.entering == 0 { await Task.yield() }
        second.cancel()
        #expect(await second.value == false)
        admission.leave()
        #expect(await Self.enter(admission), "the cancelled entrant kept a place")
    }

    @Test func aFullServerQueuesArrivalsAndWakesThemOldestFirst() async {
        let admission = Admission(capacity: 2)
        #expect(admission.arrive(wake: {}) == nil)
        #expect(await Self.enter(admission))
        #expect(await Self.enter(admission))
        let woken = Mutex<[Int]>([])
        let first = admission.arrive { woken.withLock { $0.append(1) } }
        let second = admission.arrive { woken.withLock { $0.append(2) } }
        #expect(first != nil && second != nil && admission.waiting == 2)
        admission.leave()
        #expect(woken.withLock { $0 } == [1])
        #expect(admission.waiting == 1)
        // The woken one takes the place; the next leave wakes the second.
        #expect(await Self.enter(admission))
        admission.leave()
        #expect(woken.withLock { $0 } == [1, 2])
    }

    /// A line longer than the places is not draining: the newest is served first, while the oldest, which would be
    /// served too late, run out of wait.
    @Test func aLineLongerThanThePlacesWakesTheNewestFirst() async {
        let admission = Admission(capacity: 1)
        #expect(await Self.enter(admission))
        let woken = Mutex<[Int]>([])
        for number in 1...3 { _ = admission.arrive { woken.withLock { $0.append(number) } } }
        admission.leave()
        #expect(woken.withLock { $0 } == [3])
        #expect(await Self.enter(admission))
        admission.leave()  // two in line, one place: still the newest
        #expect(woken.withLock { $0 } == [3, 2])
    }

    @Test func aNewcomerNeverOvertakesTheLine() async {
        let admission = Admission(capacity: 2)
        #expect(await Self.enter(admission))
        #expect(await Self.enter(admission))
        let woken = Mutex<[Int]>([])
        _ = admission.arrive { woken.withLock { $0.append(1) } }
        _ = admission.arrive { woken.withLock { $0.append(2) } }
        // The place goes to the first, which has not taken it yet: a newcomer finds room but a line, and queues
        // behind it; nobody else is woken for the one place.
        admission.leave()
        #expect(admission.arrive { woken.withLock { $0.append(3) } } != nil)
        #expect(woken.withLock { $0 } == [1])
        #expect(admission.waiting == 2)
    }

    @Test func aWithdrawnTicketIsNeverWoken() async {
        let admission = Admission(capacity: 1)
        #expect(await Self.enter(admission))
        let woken = Mutex(false)
        let ticket = admission.arrive { woken.withLock { $0 = true } }
        #expect(admission.withdraw(ticket!))
        #expect(!admission.withdraw(ticket!))
        admission.leave()
        #expect(!woken.withLock { $0 })
        #expect(admission.waiting == 0)
    }

    @Test func anAbandonedWakeUpGoesToTheNextInLine() async {
        let admission = Admission(capacity: 2)
        let invocations = InvocationAdmission(
            admission: admission, metrics: ServerMetrics(), isInvocation: { _ in true }, isReady: { true },
            wait: .milliseconds(100))
        #expect(await Self.enter(admission))
        #expect(await Self.enter(admission))
        let woken = Mutex<[Int]>([])
        let first = admission.arrive { woken.withLock { $0.append(1) } }!
        _ = admission.arrive { woken.withLock { $0.append(2) } }
        admission.leave()  // wakes the first, whose connection then turns out closed
        invocations.abandon(first)
        #expect(woken.withLock { $0 } == [1, 2])
    }

    @Test func aWaitThatRunsOutIsRefusedUnlessItWasWoken() async {
        let admission = Admission(capacity: 1)
        let invocations = InvocationAdmission(
            admission: admission, metrics: ServerMetrics(), isInvocation: { _ in true }, isReady: { true },
            wait: .milliseconds(100))
        #expect(await Self.enter(admission))
        let full = admission.arrive(wake: {})!
        #expect(invocations.waitExpired(full)?.code == "overloaded")
        #expect(admission.waiting == 0)
        let woken = admission.arrive(wake: {})!
        admission.leave()  // its wake-up is on its way: it goes on
        #expect(invocations.waitExpired(woken) == nil)
    }
}
