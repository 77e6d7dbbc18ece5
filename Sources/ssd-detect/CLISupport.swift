import ArgumentParser
import Engine
import Foundation

/// A command-line failure with a message for people.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A duration in milliseconds with two decimals.
func milliseconds(_ duration: Duration) -> String { String(format: "%.2f", duration.milliseconds) }

/// The `--threads` bound every command shares with the backends (`BackendOptions.maximumThreads`), as a usage error.
func validateThreads(_ threads: Int?) throws {
    if let threads, !(1...BackendOptions.maximumThreads).contains(threads) {
        throw ValidationError("--threads must be between 1 and \(BackendOptions.maximumThreads), not \(threads)")
    }
}
