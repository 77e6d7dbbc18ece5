import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for the tests that run ssd-detect: started with posix_spawn, reaped with waitpid. Not
/// Foundation's Process: on Linux its exit monitoring once missed a child's exit in CI (the child a zombie,
/// `waitUntilExit` blocked for good, and a watchdog's SIGKILL cannot end a process that has already ended). A
/// child still running when this is released is killed and reaped, so that a failing test leaves no server behind.
public final class ChildProcess: @unchecked Sendable {
    /// How a child ended: its exit status, or the signal that ended it.
    public struct Exit: Sendable, Equatable {
        /// The exit status, or the signal's number.
        public var status: Int32
        /// Whether a signal ended it (an abort, a trap, a kill) rather than an exit.
        public var signaled: Bool

        /// An ending, as the tests expect one.
        public init(status: Int32, signaled: Bool) {
            self.status = status
            self.signaled = signaled
        }
    }

    /// The child's process id.
    public let pid: pid_t
    private let lock = NSLock()
    private var exit: Exit?

    /// Starts `executable` with `arguments`. `environment` replaces the test process's when given; standard output
    /// and error go to the files at those paths (created or truncated) when given, else to the test process's.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        standardOutput: String? = nil, standardError: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (descriptor, path) in [(Int32(1), standardOutput), (2, standardError)] {
            if let path {
                posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            }
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            for string in argv + (envp ?? []) { free(string) }
        }
        var pid = pid_t()
        let result =
            if let envp { posix_spawn(&pid, executable, &actions, nil, argv, envp) } else {
                posix_spawn(&pid, executable, &actions, nil, argv, environ)
            }
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        self.pid = pid
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            waitUntilExit()
        }
    }

    /// Whether the child has not ended yet (reaped here if it has).
    public var isRunning: Bool {
        lock.withLock {
            guard exit == nil else { return false }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == 0 { return true }
            exit = Self.exit(result == pid ? status : nil)
            return false
        }
    }

    /// Sends `signal` to the child unless it has been reaped (its pid could then be another process's).
    public func send(_ signal: Int32) {
        lock.withLock {
            if exit == nil { _ = kill(pid, signal) }
        }
    }

    /// SIGTERM: a server's graceful shutdown.
    public func terminate() { send(SIGTERM) }

    /// Waits for the child to end. The lock is not held while waiting, so that another thread can signal it.
    @discardableResult
    public func waitUntilExit() -> Exit {
        if let exit = lock.withLock({ exit }) { return exit }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result == -1 && errno == EINTR
        return lock.withLock {
            // ECHILD: `isRunning` reaped it meanwhile and recorded how it ended.
            if exit == nil { exit = Self.exit(result == pid ? status : nil) }
            return exit!
        }
    }

    /// A wait status decoded (WIFSIGNALED, WTERMSIG, WEXITSTATUS: macros Swift does not import); nil, a child
    /// someone else reaped, as status -1.
    private static func exit(_ status: Int32?) -> Exit {
        guard let status else { return Exit(status: -1, signaled: false) }
        let signal = status & 0x7F
        return signal == 0 ? Exit(status: (status >> 8) & 0xFF, signaled: false) : Exit(status: signal, signaled: true)
    }
}
