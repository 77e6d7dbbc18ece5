#if canImport(Glibc)
    import Glibc
#endif

/// NVRTC, CUDA's run-time compiler, opened at run time: it turns the kernels' CUDA C into PTX for the device
/// found, once, at model load.
struct NVRTC: @unchecked Sendable {
    let library: DynamicLibrary
    let nvrtcCreateProgram:
        @convention(c) (
            UnsafeMutablePointer<OpaquePointer?>, UnsafePointer<CChar>,
            UnsafePointer<CChar>?, Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?
        ) -> Int32
    let nvrtcCompileProgram: @convention(c) (OpaquePointer?, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32
    let nvrtcGetPTXSize: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>) -> Int32
    let nvrtcGetPTX: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>) -> Int32
    let nvrtcGetProgramLogSize: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>) -> Int32
    let nvrtcGetProgramLog: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>) -> Int32
    let nvrtcDestroyProgram: @convention(c) (UnsafeMutablePointer<OpaquePointer?>) -> Int32
    let nvrtcGetErrorString: @convention(c) (Int32) -> UnsafePointer<CChar>?

    /// Library names, newest first (NVRTC's soname carries its major version).
    static let names = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"]

    init(folders: [String] = CUDADriver.searchFolders) throws(CUDAError) {
        let library = try DynamicLibrary(names: Self.names, folders: folders)
        self.library = library
        nvrtcCreateProgram = try library.function("nvrtcCreateProgram", as: type(of: nvrtcCreateProgram))
        nvrtcCompileProgram = try library.function("nvrtcCompileProgram", as: type(of: nvrtcCompileProgram))
        nvrtcGetPTXSize = try library.function("nvrtcGetPTXSize", as: type(of: nvrtcGetPTXSize))
        nvrtcGetPTX = try library.function("nvrtcGetPTX", as: type(of: nvrtcGetPTX))
        nvrtcGetProgramLogSize = try library.function("nvrtcGetProgramLogSize", as: type(of: nvrtcGetProgramLogSize))
        nvrtcGetProgramLog = try library.function("nvrtcGetProgramLog", as: type(of: nvrtcGetProgramLog))
        nvrtcDestroyProgram = try library.function("nvrtcDestroyProgram", as: type(of: nvrtcDestroyProgram))
        nvrtcGetErrorString = try library.function("nvrtcGetErrorString", as: type(of: nvrtcGetErrorString))
    }

    /// PTX for `source`, compiled for compute capability `major.minor`; the compiler's log when it fails.
    func compile(_ source: String, name: String, major: Int, minor: Int) throws(CUDAError) -> [CChar] {
        var program: OpaquePointer?
        guard nvrtcCreateProgram(&program, source, name, 0, nil, nil) == 0 else {
            throw .compilation("nvrtcCreateProgram failed")
        }
        defer { _ = nvrtcDestroyProgram(&program) }
        let arguments = ["--gpu-architecture=compute_\(major)\(minor)", "--std=c++14"]
        let options: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        defer { options.forEach { free($0) } }
        let status = options.map { UnsafePointer($0) }.withUnsafeBufferPointer {
            (pointers: UnsafeBufferPointer<UnsafePointer<CChar>?>) in
            nvrtcCompileProgram(program, Int32(pointers.count), pointers.baseAddress)
        }
        guard status == 0 else {
            var size = 0
            _ = nvrtcGetProgramLogSize(program, &size)
            var log = [CChar](repeating: 0, count: max(size, 1))
            _ = nvrtcGetProgramLog(program, &log)
            let reason = nvrtcGetErrorString(status).map { String(cString: $0) } ?? "error \(status)"
            throw .compilation("\(reason): \(String(cString: log))")
        }
        var size = 0
        _ = nvrtcGetPTXSize(program, &size)
        var ptx = [CChar](repeating: 0, count: max(size, 1))
        _ = nvrtcGetPTX(program, &ptx)
        return ptx
    }
}
