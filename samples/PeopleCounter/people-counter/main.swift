// Serves PeopleCounterHandler on SageMaker's contract (port $SAGEMAKER_BIND_TO_PORT or 8080, model from
// $SM_MODEL_DIR or the first argument):  swift run -c release people-counter models/ssd_mobilenet_v1_coco_quant
import CPUBackend
import Foundation
import Inference
import Logging
import PeopleCounter
import Server
import SSDService

let environment = ProcessInfo.processInfo.environment
let modelDirectory = CommandLine.arguments.dropFirst().first ?? environment["SM_MODEL_DIR"] ?? "/opt/ml/model"
let port = environment["SAGEMAKER_BIND_TO_PORT"].flatMap(Int.init) ?? 8080
let handler = PeopleCounterHandler(base: SSDHandler(configuration: .init(backend: { CPUBackend() })))
let server = InferenceServer(
    handler: handler,
    configuration: ServerConfiguration(port: port, modelDirectory: modelDirectory),
    logger: Logger(label: "people-counter"))
try await server.run()
