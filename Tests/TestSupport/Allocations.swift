import CAllocationCounter

/// How many heap allocations `body` makes on the calling thread.
public func countAllocations(_ body: () throws -> Void) rethrows -> Int {
    allocation_counter_start()
    defer { _ = allocation_counter_stop() }
    try body()
    return allocation_counter_stop()
}
