/// Lays out buffers with known lifetimes in one arena, reusing memory between buffers that are never live at once.
///
/// Greedy by size, largest first, each at the lowest offset that overlaps no placed buffer of intersecting
/// lifetime (the heuristic TFLite's and ONNX Runtime's arena planners use); within a few percent of optimal on
/// convolutional networks, and computed once at load.
public struct ArenaPlanner {
    /// A buffer to place: `size` bytes, live from step `first` through step `last`.
    public struct Request {
        /// Bytes; rounded up to `alignment` when placed.
        public var size: Int
        /// The first step the buffer is live, inclusive.
        public var first: Int
        /// The last step the buffer is live, inclusive; buffers with overlapping steps never share bytes.
        public var last: Int

        /// A request as given; `first` must not be after `last`.
        public init(size: Int, first: Int, last: Int) {
            self.size = size
            self.first = first
            self.last = last
        }
    }

    /// Every offset is a multiple of this (a cache line, and enough for any SIMD load).
    public static let alignment = 64

    /// Offsets of `requests`, in their order, and the arena size they need.
    public static func plan(_ requests: [Request]) -> (offsets: [Int], size: Int) {
        var offsets = [Int](repeating: 0, count: requests.count)
        var placed: [(offset: Int, end: Int, first: Int, last: Int)] = []
        var size = 0
        let order = requests.indices.sorted { (requests[$0].size, $1) > (requests[$1].size, $0) }
        for index in order {
            let request = requests[index]
            let length = (request.size + alignment - 1) / alignment * alignment
            let conflicts = placed.filter { $0.first <= request.last && request.first <= $0.last }
                .sorted { $0.offset < $1.offset }
            var offset = 0
            for other in conflicts where offset + length > other.offset {
                offset = max(offset, other.end)
            }
            offsets[index] = offset
            placed.append((offset, offset + length, request.first, request.last))
            size = max(size, offset + length)
        }
        return (offsets, size)
    }
}
