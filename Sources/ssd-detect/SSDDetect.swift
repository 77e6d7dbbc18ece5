import ArgumentParser

@main
struct SSDDetect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssd-detect",
        abstract: "SSD object detection: decode, preprocess and detect objects in images.",
        subcommands: [
            DetectCommand.self, ServeCommand.self, WorkerCommand.self, InspectCommand.self, BenchCommand.self,
            PreprocessCommand.self,
        ],
        defaultSubcommand: DetectCommand.self)
}
