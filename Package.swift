// swift-tools-version:6.1
import PackageDescription

/// The CPU backend's own kernels (requantization, depthwise convolution) are plain loops that LLVM vectorizes; on
/// x86-64 they are compiled for AVX2 + FMA (Haswell, 2013, and every x86 server since), which measured 3x faster
/// than the SSE2 baseline. CPUBackend checks the CPU at start-up and refuses, with a message, where it lacks them.
/// SSD_PORTABLE=1 builds for the baseline instead.
var cpuKernelSettings: [SwiftSetting] {
    #if arch(x86_64)
        if Context.environment["SSD_PORTABLE"] != "1" {
            return [.unsafeFlags(["-target-cpu", "haswell"]), .define("SSD_AVX2")]
        }
    #endif
    return []
}

let package = Package(
    name: "ssd-detect",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ssd-detect", targets: ["ssd-detect"]),
        .library(name: "ImageIO", targets: ["ImageIO"]),
        .library(name: "Preprocess", targets: ["Preprocess"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "CPUBackend", targets: ["CPUBackend"]),
        .library(name: "CUDABackend", targets: ["CUDABackend"]),
        .library(name: "SSD", targets: ["SSD"]),
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "SSDService", targets: ["SSDService"]),
        .library(name: "Server", targets: ["Server"]),
        .library(name: "KServe", targets: ["KServe"]),
        .library(name: "RemoteBackend", targets: ["RemoteBackend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C libraries, kept at the edge: only ImageIO imports the image codecs, only the CPU backend OpenBLAS.
        .systemLibrary(
            name: "CTurboJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"]), .brew(["jpeg-turbo"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CMalloc"),

        .target(name: "ImageIO", dependencies: ["CTurboJPEG", "CPNG"]),
        // Knows nothing of images, HTTP or SSD: model formats, graph IR, backends.
        .target(name: "Engine", linkerSettings: [.linkedLibrary("m")]),
        // The CPU backend: its own float convolution kernels, OpenBLAS SGEMM where they cannot run, and vectorized
        // Swift kernels.
        .target(
            name: "CPUBackend", dependencies: ["Engine", "COpenBLAS", "CQuantizedGEMM", "CFloatKernels"],
            swiftSettings: cpuKernelSettings),
        // The accelerator backend: the CUDA driver and NVRTC opened at run time (no CUDA needed to build).
        .target(name: "CUDABackend", dependencies: ["Engine"]),
        // The Open Inference Protocol (KServe v2): tensors, requests and responses, JSON and binary, both ends.
        .target(name: "KServe", dependencies: ["Engine"]),
        // A backend that sends the network's input to a KServe v2 server (a GPU host's `ssd-detect worker`, Triton)
        // and falls back to a local backend when it fails.
        .target(name: "RemoteBackend", dependencies: ["Engine", "KServe"]),
        // The 8-bit GEMM of quantized convolutions (AVX2, AVX-512BW, AVX-VNNI and AVX-512 VNNI intrinsics, which Swift
        // cannot emit).
        .target(name: "CQuantizedGEMM"),
        // The float convolution kernels (indirect GEMM, GEMM, depthwise; AVX-512 and AVX2 + FMA intrinsics chosen at
        // run time, which Swift cannot emit): twice OpenBLAS's SGEMM on these small-channel layers, and no im2col.
        .target(name: "CFloatKernels"),
        // Anchors, box decoding, NMS, label maps, and the Detector that ties model, backend and preprocessing.
        .target(name: "SSD", dependencies: ["Engine", "Preprocess", "ImageIO"], linkerSettings: [.linkedLibrary("m")]),
        // The four-function handler contract (SageMaker's inference.py), typed: what the HTTP front knows of a model.
        .target(name: "Inference"),
        // The default handler: SSD detection behind the contract, its request JSON, detector pool and memory budget.
        .target(name: "SSDService", dependencies: ["Inference", "SSD", "Engine", "ImageIO", "KServe"]),
        // The HTTP fronts (Hummingbird): SageMaker's /ping and /invocations, and KServe v2's routes for a worker;
        // admission, connection bounds, request ids, drain. It knows the contracts only: no SSD, no C library.
        .target(
            name: "Server",
            dependencies: [
                "Inference", "KServe",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        // Rounding in Swift's stdlib lowers to libm calls, which nothing else links without Foundation.
        .target(name: "Preprocess", dependencies: ["ImageIO"], linkerSettings: [.linkedLibrary("m")]),
        .executableTarget(
            name: "ssd-detect",
            dependencies: [
                "ImageIO", "Preprocess", "Engine", "CPUBackend", "CUDABackend", "RemoteBackend", "KServe", "SSD",
                "Inference", "SSDService", "Server", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // samples/PeopleCounter: a custom handler (only people, and their count) and a server for it.
        .target(
            name: "PeopleCounter", dependencies: ["Inference", "SSDService", "SSD"],
            path: "samples/PeopleCounter/PeopleCounter"),
        .executableTarget(
            name: "people-counter",
            dependencies: [
                "PeopleCounter", "Inference", "SSDService", "Server", "CPUBackend",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "samples/PeopleCounter/people-counter"),
        .executableTarget(
            name: "ssd-io-bench",
            dependencies: [
                "ImageIO", "Preprocess", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/IOBench"),
        // CFloatKernels against im2col + OpenBLAS on UltraFace's convolution shapes, each checked (C: it calls both).
        .executableTarget(
            name: "float-kernel-bench", dependencies: ["CFloatKernels", "COpenBLAS"],
            path: "Benchmarks/FloatKernelBench", linkerSettings: [.linkedLibrary("m")]),
        // The 8-bit GEMM on SSD MobileNet's convolution shapes, per instruction-set variant.
        .executableTarget(name: "qgemm-bench", dependencies: ["CQuantizedGEMM"], path: "Benchmarks/QGEMMBench"),

        .target(name: "CAllocationCounter", path: "Tests/CAllocationCounter"),
        .target(name: "TestSupport", dependencies: ["CAllocationCounter", "Engine"], path: "Tests/TestSupport"),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "TestSupport", "CPNG", "CTurboJPEG"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
        .testTarget(name: "CPUBackendTests", dependencies: ["CPUBackend", "CQuantizedGEMM", "Engine", "TestSupport"]),
        .testTarget(name: "SSDTests", dependencies: ["SSD", "Engine", "CPUBackend", "ImageIO", "TestSupport"]),
        .testTarget(
            name: "CUDABackendTests",
            dependencies: ["CUDABackend", "CPUBackend", "Engine", "SSD", "ImageIO", "TestSupport"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference"]),
        .testTarget(name: "KServeTests", dependencies: ["KServe"]),
        .testTarget(
            name: "RemoteBackendTests",
            dependencies: [
                "RemoteBackend", "KServe", "Server", "SSDService", "SSD", "CPUBackend", "Engine", "Inference",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "SSDServiceTests",
            dependencies: [
                "SSDService", "Inference", "SSD", "Engine", "ImageIO", "CPUBackend", "TestSupport", "PeopleCounter",
            ]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Inference", "KServe", "SSDService", "CPUBackend", "ImageIO", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Runs the built ssd-detect executable (built beside the tests) as a user would.
        .testTarget(name: "CommandLineTests", dependencies: ["ImageIO", "Engine", "TestSupport", "ssd-detect"]),
        .testTarget(name: "PreprocessTests", dependencies: ["Preprocess", "ImageIO", "TestSupport"]),
    ]
)
