import ArgumentParser

@main
struct SSDDetect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssd-detect",
        abstract: "SSD object detection: decode, preprocess and detect objects in images.",
        subcommands: [DetectCommand.self, InspectCommand.self, BenchCommand.self, PreprocessCommand.self],
        defaultSubcommand: DetectCommand.self)
}
