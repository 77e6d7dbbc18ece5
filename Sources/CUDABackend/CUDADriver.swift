#if canImport(Glibc)
    import Glibc
#endif

typealias CUresult = Int32
typealias CUdeviceptr = UInt64
typealias CUhandle = OpaquePointer?

/// The CUDA driver API functions the backend calls, resolved from libcuda.so.1 at run time.
struct CUDADriver: @unchecked Sendable {
    let library: DynamicLibrary
    let cuInit: @convention(c) (UInt32) -> CUresult
    let cuDeviceGetCount: @convention(c) (UnsafeMutablePointer<Int32>) -> CUresult
    let cuDeviceGet: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> CUresult
    let cuDeviceGetName: @convention(c) (UnsafeMutablePointer<CChar>, Int32, Int32) -> CUresult
    let cuDeviceGetAttribute: @convention(c) (UnsafeMutablePointer<Int32>, Int32, Int32) -> CUresult
    let cuDevicePrimaryCtxRetain: @convention(c) (UnsafeMutablePointer<CUhandle>, Int32) -> CUresult
    let cuCtxSetCurrent: @convention(c) (CUhandle) -> CUresult
    let cuModuleLoadData: @convention(c) (UnsafeMutablePointer<CUhandle>, UnsafeRawPointer) -> CUresult
    let cuModuleGetFunction: @convention(c) (UnsafeMutablePointer<CUhandle>, CUhandle, UnsafePointer<CChar>) -> CUresult
    let cuMemAlloc: @convention(c) (UnsafeMutablePointer<CUdeviceptr>, Int) -> CUresult
    let cuMemFree: @convention(c) (CUdeviceptr) -> CUresult
    let cuMemAllocHost: @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>, Int) -> CUresult
    let cuMemFreeHost: @convention(c) (UnsafeMutableRawPointer) -> CUresult
    let cuMemcpyHtoD: @convention(c) (CUdeviceptr, UnsafeRawPointer, Int) -> CUresult
    let cuMemcpyHtoDAsync: @convention(c) (CUdeviceptr, UnsafeRawPointer, Int, CUhandle) -> CUresult
    let cuMemcpyDtoHAsync: @convention(c) (UnsafeMutableRawPointer, CUdeviceptr, Int, CUhandle) -> CUresult
    let cuMemsetD8Async: @convention(c) (CUdeviceptr, UInt8, Int, CUhandle) -> CUresult
    let cuStreamCreate: @convention(c) (UnsafeMutablePointer<CUhandle>, UInt32) -> CUresult
    let cuStreamDestroy: @convention(c) (CUhandle) -> CUresult
    let cuStreamSynchronize: @convention(c) (CUhandle) -> CUresult
    let cuLaunchKernel:
        @convention(c) (
            CUhandle, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, CUhandle,
            UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
        ) -> CUresult
    let cuStreamBeginCapture: @convention(c) (CUhandle, Int32) -> CUresult
    let cuStreamEndCapture: @convention(c) (CUhandle, UnsafeMutablePointer<CUhandle>) -> CUresult
    let cuGraphInstantiateWithFlags: @convention(c) (UnsafeMutablePointer<CUhandle>, CUhandle, UInt64) -> CUresult
    let cuGraphLaunch: @convention(c) (CUhandle, CUhandle) -> CUresult
    let cuGraphDestroy: @convention(c) (CUhandle) -> CUresult
    let cuGraphExecDestroy: @convention(c) (CUhandle) -> CUresult
    let cuGetErrorString: @convention(c) (CUresult, UnsafeMutablePointer<UnsafePointer<CChar>?>) -> CUresult

    /// Where to look for the CUDA libraries: $SSD_CUDA_LIBRARY_PATH, then the usual install locations.
    static var searchFolders: [String] {
        var folders: [String] = []
        if let custom = getenv("SSD_CUDA_LIBRARY_PATH").map({ String(cString: $0) }), !custom.isEmpty {
            folders += custom.split(separator: ":").map(String.init)
        }
        return folders + [
            "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/cuda/lib64", "/usr/local/nvidia/lib64",
            "/usr/lib/wsl/lib",
        ]
    }

    init(folders: [String] = CUDADriver.searchFolders) throws(CUDAError) {
        let library = try DynamicLibrary(names: ["libcuda.so.1", "libcuda.so"], folders: folders)
        self.library = library
        cuInit = try library.function("cuInit", as: type(of: cuInit))
        cuDeviceGetCount = try library.function("cuDeviceGetCount", as: type(of: cuDeviceGetCount))
        cuDeviceGet = try library.function("cuDeviceGet", as: type(of: cuDeviceGet))
        cuDeviceGetName = try library.function("cuDeviceGetName", as: type(of: cuDeviceGetName))
        cuDeviceGetAttribute = try library.function("cuDeviceGetAttribute", as: type(of: cuDeviceGetAttribute))
        cuDevicePrimaryCtxRetain = try library.function(
            "cuDevicePrimaryCtxRetain", as: type(of: cuDevicePrimaryCtxRetain))
        cuCtxSetCurrent = try library.function("cuCtxSetCurrent", as: type(of: cuCtxSetCurrent))
        cuModuleLoadData = try library.function("cuModuleLoadData", as: type(of: cuModuleLoadData))
        cuModuleGetFunction = try library.function("cuModuleGetFunction", as: type(of: cuModuleGetFunction))
        cuMemAlloc = try library.function("cuMemAlloc_v2", as: type(of: cuMemAlloc))
        cuMemFree = try library.function("cuMemFree_v2", as: type(of: cuMemFree))
        cuMemAllocHost = try library.function("cuMemAllocHost_v2", as: type(of: cuMemAllocHost))
        cuMemFreeHost = try library.function("cuMemFreeHost", as: type(of: cuMemFreeHost))
        cuMemcpyHtoD = try library.function("cuMemcpyHtoD_v2", as: type(of: cuMemcpyHtoD))
        cuMemcpyHtoDAsync = try library.function("cuMemcpyHtoDAsync_v2", as: type(of: cuMemcpyHtoDAsync))
        cuMemcpyDtoHAsync = try library.function("cuMemcpyDtoHAsync_v2", as: type(of: cuMemcpyDtoHAsync))
        cuMemsetD8Async = try library.function("cuMemsetD8Async", as: type(of: cuMemsetD8Async))
        cuStreamCreate = try library.function("cuStreamCreate", as: type(of: cuStreamCreate))
        cuStreamDestroy = try library.function("cuStreamDestroy_v2", as: type(of: cuStreamDestroy))
        cuStreamSynchronize = try library.function("cuStreamSynchronize", as: type(of: cuStreamSynchronize))
        cuLaunchKernel = try library.function("cuLaunchKernel", as: type(of: cuLaunchKernel))
        cuStreamBeginCapture = try library.function("cuStreamBeginCapture_v2", as: type(of: cuStreamBeginCapture))
        cuStreamEndCapture = try library.function("cuStreamEndCapture", as: type(of: cuStreamEndCapture))
        cuGraphInstantiateWithFlags = try library.function(
            "cuGraphInstantiateWithFlags",
            as: type(of: cuGraphInstantiateWithFlags))
        cuGraphLaunch = try library.function("cuGraphLaunch", as: type(of: cuGraphLaunch))
        cuGraphDestroy = try library.function("cuGraphDestroy", as: type(of: cuGraphDestroy))
        cuGraphExecDestroy = try library.function("cuGraphExecDestroy", as: type(of: cuGraphExecDestroy))
        cuGetErrorString = try library.function("cuGetErrorString", as: type(of: cuGetErrorString))
    }

    /// Throws a `CUDAError.driver` naming `call` unless `result` is CUDA_SUCCESS.
    func check(_ result: CUresult, _ call: String) throws(CUDAError) {
        guard result != 0 else { return }
        var message: UnsafePointer<CChar>?
        _ = cuGetErrorString(result, &message)
        throw .driver(call: call, code: result, message: message.map { String(cString: $0) } ?? "unknown error")
    }
}
