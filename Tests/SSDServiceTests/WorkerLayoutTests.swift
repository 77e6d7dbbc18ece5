import Engine
import SSDService
import Testing

struct WorkerLayoutTests {
    @Test func byDefaultOneSingleThreadedWorkerPerCoreAndALoneRequestDetectorOnAll() {
        let layout = WorkerLayout(cores: 8, allCoresWhenIdle: true)
        #expect(layout.workers == 8 && layout.threadsPerWorker == 1 && layout.loneRequestThreads == 8)
    }

    @Test func fewerWorkersShareTheCores() {
        let layout = WorkerLayout(cores: 8, workers: 3, allCoresWhenIdle: true)
        #expect(layout.workers == 3 && layout.threadsPerWorker == 2 && layout.loneRequestThreads == 8)
    }

    /// A lone-request detector would be one more of the same where the workers already have every core.
    @Test func noLoneRequestDetectorWhereAWorkerHasEveryCore() {
        #expect(WorkerLayout(cores: 4, workers: 1, allCoresWhenIdle: true).loneRequestThreads == nil)
        #expect(
            WorkerLayout(cores: 4, workers: 2, threadsPerWorker: 4, allCoresWhenIdle: true).loneRequestThreads == nil)
        #expect(WorkerLayout(cores: 4, allCoresWhenIdle: false).loneRequestThreads == nil)
    }

    @Test func coresAreCappedAtTheThreadsABackendAccepts() {
        let layout = WorkerLayout(cores: 10_000, workers: 1)
        #expect(
            layout.cores == BackendOptions.maximumThreads && layout.threadsPerWorker == BackendOptions.maximumThreads)
    }

    @Test func moreWorkersThanCoresStillGetAThreadEach() {
        let layout = WorkerLayout(cores: 2, workers: 5)
        #expect(layout.workers == 5 && layout.threadsPerWorker == 1)
    }
}
