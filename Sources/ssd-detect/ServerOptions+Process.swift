import ArgumentParser
import Foundation
import Logging
import Server

extension ServerOptions {
    /// The exit status when the grace period cut off accepted requests (docs/HTTP-API.md, "Shutdown").
    static let cutOffExitCode: Int32 = 3

    /// Raises the open-files limit to its hard limit (the default soft limit, 1024, is exhausted by idle sockets
    /// alone), and checks that `requested` connections fit under it with room for the model and logs.
    #if os(Linux)
        static let openFiles = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        static let openFiles = RLIMIT_NOFILE
    #endif

    static func connectionLimit(_ requested: Int) throws -> Int {
        var limit = rlimit()
        guard getrlimit(Self.openFiles, &limit) == 0 else { return requested }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            // An unlimited hard limit is still capped by the kernel's nr_open (a million by default).
            raised.rlim_cur = min(1 << 20, limit.rlim_max)
            if setrlimit(Self.openFiles, &raised) == 0 { limit = raised }
        }
        let available = Int(clamping: limit.rlim_cur) - 64
        guard requested <= available else {
            throw ValidationError(
                "--max-connections \(requested) does not fit the open-files limit (\(limit.rlim_cur)); "
                    + "at most \(available)")
        }
        return requested
    }

    /// Logs the end of a drain; exit status 3 when the grace period cut off accepted requests.
    static func finish(_ report: DrainReport, logger: Logger, gracePeriod: Int) throws {
        guard report.cutOffInvocations == 0 else {
            logger.error(
                "stopped: the grace period cut off accepted requests",
                metadata: ["cut_off": "\(report.cutOffInvocations)", "grace_period_s": "\(gracePeriod)"])
            throw ExitCode(cutOffExitCode)
        }
        logger.info("stopped")
    }
}
