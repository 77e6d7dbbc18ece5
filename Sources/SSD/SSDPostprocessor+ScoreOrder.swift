extension SSDPostprocessor.Context {
    /// Fast mode's candidates: the anchors whose best score passes the threshold, by decreasing best score, ties by
    /// anchor (TFLite's stable sort). Quantized scores are compared as their uint8 codes, which order as their
    /// values: a vectorized maximum per row and one integer sort, where dequantizing all 1917 x 90 scores to
    /// compare them had been most of the postprocess.
    func anchorsByDecreasingBestScore() -> [Int] {
        let boxes = postprocessor.boxCount, classes = options.classCount
        guard scores.isQuantized else {
            var candidates: [(anchor: Int, score: Float)] = []
            for anchor in 0..<boxes {
                var best = -Float.infinity
                for classIndex in 0..<classes { best = max(best, score(anchor, classIndex)) }
                if passes(best) { candidates.append((anchor, best)) }
            }
            return Self.byDecreasingScore(candidates) { $0.score }.map(\.anchor)
        }
        let lowest = lowestPassingCode()
        var keys: [UInt64] = []
        for anchor in 0..<boxes {
            let row = anchor * columns + firstClass
            let best = scores.maximumCode(row..<row + classes)
            if Int(best) >= lowest { keys.append(Self.key(code: best, index: anchor)) }
        }
        keys.sort()
        return keys.map(Self.index)
    }

    /// Calls `visit` with every (anchor, class) pair that passes the threshold, by decreasing score, ties by class
    /// then anchor (the order of TFLite's per-class passes and its final stable sort), until it returns false.
    ///
    /// Quantized scores are ordered a band of codes at a time, from the top: a histogram of the codes picks the
    /// highest codes that hold about 1,024 pairs, one scan gathers those pairs and an integer sort orders them; the
    /// next band, four times larger, only if the walk goes on. A walk stops at the detection limit, nearly always
    /// within the first band, so a call no longer orders (and allocates, 2.7 MB) all 1917 x 90 pairs.
    func forEachPairByDecreasingScore(_ visit: (_ anchor: Int, _ classIndex: Int) -> Bool) {
        let boxes = postprocessor.boxCount, classes = options.classCount
        guard scores.isQuantized else {
            var pairs: [(anchor: Int, classIndex: Int, score: Float)] = []
            for classIndex in 0..<classes {
                for anchor in 0..<boxes where passes(score(anchor, classIndex)) {
                    pairs.append((anchor, classIndex, score(anchor, classIndex)))
                }
            }
            for pair in Self.byDecreasingScore(pairs, score: { $0.score }) where !visit(pair.anchor, pair.classIndex) {
                return
            }
            return
        }
        let lowest = lowestPassingCode()
        guard lowest <= 255 else { return }
        var counts = [Int](repeating: 0, count: 256)
        counts.withUnsafeMutableBufferPointer { counts in
            for anchor in 0..<boxes {
                let row = anchor * columns + firstClass
                for index in row..<row + classes { counts[Int(scores.code(index))] += 1 }
            }
        }
        var high = 255, bandSize = 1024
        while high >= lowest {
            var low = high, size = counts[high]
            while low > lowest && size < bandSize {
                low -= 1
                size += counts[low]
            }
            var keys: [UInt64] = []
            keys.reserveCapacity(size)
            for anchor in 0..<boxes {
                let row = anchor * columns + firstClass
                for index in row..<row + classes {
                    let code = scores.code(index)
                    if code >= low && code <= high {
                        keys.append(Self.key(code: code, index: (index - row) * boxes + anchor))
                    }
                }
            }
            keys.sort()
            for pair in keys.lazy.map(Self.index) where !visit(pair % boxes, pair / boxes) { return }
            high = low - 1
            bandSize = min(bandSize * 4, 1 << 40)
        }
    }

    /// `items` by decreasing score, ties in their given order (a stable sort, as TFLite's).
    static func byDecreasingScore<Item>(_ items: [Item], score: (Item) -> Float) -> [Item] {
        items.enumerated().sorted { a, b in
            let (x, y) = (score(a.element), score(b.element))
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }

    /// The lowest uint8 code whose value passes the threshold, 256 where none does: codes order as their values
    /// (validation holds quantized scales positive).
    func lowestPassingCode() -> Int {
        (0...255).first { passes(scores.value(ofCode: UInt8($0))) } ?? 256
    }

    /// A sort key that orders by decreasing code, then increasing `index` (below 2^56: an element of a tensor in
    /// memory).
    static func key(code: UInt8, index: Int) -> UInt64 { UInt64(255 - code) << 56 | UInt64(index) }

    /// The index a `key` carries.
    static func index(_ key: UInt64) -> Int { Int(key & (1 << 56 - 1)) }
}
