import Engine
import Testing

struct ArenaPlannerTests {
    @Test func buffersLiveAtTheSameTimeNeverOverlapAndOthersShare() {
        // A chain: each buffer is live from the step that writes it to the step that reads it.
        let requests = (0..<6).map { ArenaPlanner.Request(size: 1000 * ($0 % 3 + 1), first: $0, last: $0 + 1) }
        let (offsets, size) = ArenaPlanner.plan(requests)
        for i in requests.indices {
            #expect(offsets[i] % ArenaPlanner.alignment == 0)
            for j in requests.indices where i < j {
                let live = requests[i].first <= requests[j].last && requests[j].first <= requests[i].last
                let overlap = offsets[i] < offsets[j] + requests[j].size && offsets[j] < offsets[i] + requests[i].size
                #expect(!(live && overlap), "buffers \(i) and \(j)")
            }
        }
        #expect(size < requests.reduce(0) { $0 + $1.size })  // reuse happened
        #expect(size >= 5000)  // the largest pair live together: 3000 + 2000
    }
}
