import CPUBackend
import CUDABackend
import Engine
import Foundation
import ImageIO
import SSD
import Testing
import TestSupport

/// The accelerator backend. Where no GPU is present (CI, most machines) these check the loading, the reasons and
/// the fallback; the GPU parts are reported as skipped (their `.enabled(if:)` traits), never as passed.
struct CUDABackendTests {
    /// The device, probed once for all the tests' traits; nil where there is none.
    static let gpu: CUDABackend.Device? = try? CUDABackend().probe().get()

    /// The kernels compiled for compute capability 8.0, once: `.success(nil)` where NVRTC cannot be found, a
    /// failure where it is found but the compilation fails.
    static let compiledKernels = Result { () throws(CUDAError) in try CUDABackend.compileKernels(major: 8, minor: 0) }

    /// Whether NVRTC was found (whether or not it compiled the kernels).
    static var compilerFound: Bool {
        if case .success(.none) = compiledKernels { return false }
        return true
    }

    @Test(.enabled(if: CUDABackendTests.gpu == nil, "a CUDA GPU is present: the no-GPU path cannot be checked here"))
    func withoutAGPUTheBackendSaysWhatItLookedForAndWhy() throws {
        guard case .failure(let error) = CUDABackend().probe() else { Issue.record("probe succeeded"); return }
        let message = error.description
        #expect(
            message.contains("libcuda.so.1") || message.contains("libnvrtc") || message.contains("cuInit")
                || message.contains("no CUDA device"), "\(message)")
        let network = try GoldenTensors.network()
        #expect {
            _ = try CUDABackend().prepare(network, options: BackendOptions())
        } throws: { error in
            guard case .backendUnavailable(let backend, let reason) = error as? ModelError else { return false }
            return backend == "accelerator" && reason == message
        }
    }

    @Test func aFileThatIsNotALibraryIsReportedWithTheLoadersMessage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cuda-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("not an ELF file".utf8).write(to: folder.appendingPathComponent("libnvrtc.so.12"))
        let error = CUDABackend.probeCompiler(folders: [folder.path])
        #expect(error?.description.contains(folder.path) == true, "\(String(describing: error))")
        #expect(error?.description.contains("SSD_CUDA_LIBRARY_PATH") == true)
    }

    /// The thread bound all backends share is checked before the device is looked for, GPU or not.
    @Test func tooManyThreadsAreRefusedLikeOnEveryBackend() throws {
        let network = try GoldenTensors.network()
        #expect(throws: ModelError.invalidOption(name: "threads", value: "100000", allowed: "1...256")) {
            _ = try CUDABackend().prepare(network, options: BackendOptions(threads: 100_000))
        }
    }

    /// NVRTC turns the kernels into PTX where it can be found (CUDA installed, or SSD_CUDA_LIBRARY_PATH pointing
    /// at a folder with libnvrtc, e.g. from PyPI's nvidia-cuda-nvrtc-cu12); no GPU is needed for that.
    @Test(
        .enabled(if: CUDABackendTests.compilerFound, "NVRTC not found (SSD_CUDA_LIBRARY_PATH: a folder with libnvrtc)"))
    func kernelsCompileWithNVRTC() throws {
        let ptx = try #require(try Self.compiledKernels.get())
        for name in [
            "input_u8", "output_u8", "conv2d", "depthwise", "pool", "copy_rescale", "lut_map", "unary_float",
            "binary",
        ] {
            #expect(ptx.contains(".entry \(name)"), "\(name)")
        }
    }

    /// On a GPU: the raw heads agree with the CPU backend within the engine issue's bounds.
    @Test(
        .enabled(if: CUDABackendTests.gpu != nil, "no CUDA GPU: the probe found no usable device"),
        arguments: GoldenTensors.images)
    func rawHeadsMatchTheCPUBackend(image: String) throws {
        let network = try GoldenTensors.network()
        let cuda = try CUDABackend().prepare(network, options: BackendOptions())
        let cpu = try CPUBackend().prepare(network, options: BackendOptions(threads: 1))
        let input = try GoldenTensors.bytes(image, "input")
        cuda.input(0).copyBytes(from: input)
        cpu.input(0).copyBytes(from: input)
        try cuda.run()
        try cpu.run()
        for position in 0..<2 {
            let comparison = HeadComparison(Array(cuda.output(position)), Array(cpu.output(position)))
            print("cuda vs cpu \(image) output \(position): \(comparison)")
            #expect(comparison.meetsTFLiteBound, "\(comparison)")
        }
    }

    /// On a GPU: every photo gives the same detections as on the CPU backend (and heads within the bound).
    @Test(
        .enabled(if: CUDABackendTests.gpu != nil, "no CUDA GPU: the probe found no usable device"),
        arguments: Assets.photos.map(\.name))
    func detectionsMatchTheCPUBackend(photo: String) throws {
        let path = GoldenTensors.modelPath
        let cuda = try Detector(modelPath: path, backend: CUDABackend())
        let cpu = try Detector(modelPath: path, backend: CPUBackend(), options: BackendOptions(threads: 1))
        let image = try ImageDecoder().decode(try Assets.photo(photo)).image
        let agreement = try DetectorAgreement(cuda, against: cpu, image: image)
        print("cuda vs cpu \(photo): \(agreement.summary)")
        #expect(agreement.holds, "\(agreement.summary)")
    }
}
