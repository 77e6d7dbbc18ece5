import ArgumentParser

@main
struct SSDDetect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssd-detect",
        abstract: "SSD object detection: decode, preprocess and detect objects in images.",
        subcommands: [InspectCommand.self, BenchCommand.self, PreprocessCommand.self])
}
