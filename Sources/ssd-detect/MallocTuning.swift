import CMalloc

/// glibc's malloc, set for a process that handles buffers of hundreds of kilobytes to megabytes per request.
enum MallocTuning {
    /// Two settings, each measured:
    /// - Blocks of 1 MB and more (decoded images, large bodies) are mapped and unmapped, so that memory goes back
    ///   to the system once a burst is answered. glibc would otherwise raise its mapping threshold to the largest
    ///   block freed (up to 32 MB) and keep such blocks in its heap: the large-batch burst that follows the 2 MP
    ///   batches of the load test (its requests decode nothing) peaked at 285 MB without this, 152 MB with it
    ///   (docs/PERFORMANCE.md, "Overload").
    /// - Up to 4 MB free at the top of a heap is kept rather than given back. With glibc's default (128 KB, fixed
    ///   once the mapping threshold is set) every request's few hundred kilobyte buffers (a 300x300 tensor is
    ///   270 KB) were returned after it and faulted in again, page by page, by the next: 160 page faults a KServe
    ///   inference, about 0.2 ms of its transport overhead (docs/PERFORMANCE.md, "Remote backend").
    static func apply() {
        #if os(Linux)
            _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, 4 << 20)
        #endif
    }
}
