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
