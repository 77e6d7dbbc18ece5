// swift-tools-version:6.1
import PackageDescription

/// Fuzz targets for every parser of untrusted bytes, in a package of their own so that the main package's builds
/// never see them. scripts/fuzz.sh (`make fuzz`) builds them with libFuzzer and AddressSanitizer, passed to every
/// module with -Xswiftc so that the parsers themselves are instrumented (docs/FUZZING.md).
let package = Package(
    name: "ssd-detect-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "ssd-detect", path: "..")],
    targets: [
        // libFuzzer's driver entry point (the runtime itself comes with -sanitize=fuzzer).
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer", product("ImageIO")]),
        fuzzTarget("jpeg", "ImageIO"),
        fuzzTarget("png", "ImageIO"),
        fuzzTarget("base64", "ImageIO"),
        fuzzTarget("request", "SSDService"),
        fuzzTarget("tflite", "Engine", "SSD"),
        fuzzTarget("flexbuffers", "Engine", "SSD"),
        fuzzTarget("onnx", "Engine"),
        fuzzTarget("manifest", "SSD"),
        fuzzTarget("kserve", "KServe"),
        fuzzTarget("http", "RemoteBackend"),
    ]
)

/// A library of the main package.
func product(_ name: String) -> Target.Dependency { .product(name: name, package: "ssd-detect") }

/// Sources/fuzz-NAME: one file whose `main` hands its test to `Fuzzer.run`, with the main package's `products`.
func fuzzTarget(_ name: String, _ products: String...) -> Target {
    .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzSupport"] + products.map(product))
}
