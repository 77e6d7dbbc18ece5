/// Why the CUDA backend cannot start or run.
public enum CUDAError: Error, Sendable, Equatable, CustomStringConvertible {
    /// None of the library's names could be opened; `errors` are the loader's messages for files that exist.
    case libraryNotFound(names: [String], searched: [String], errors: [String])
    /// The library lacks a function this backend needs (too old a driver).
    case missingSymbol(String, library: String)
    /// A driver call failed.
    case driver(call: String, code: Int32, message: String)
    /// NVRTC could not compile the kernels.
    case compilation(String)
    /// No CUDA device is visible.
    case noDevice

    /// One line: what was looked for or which call failed, and for a missing library where to point the loader.
    public var description: String {
        switch self {
        case .libraryNotFound(let names, let searched, let errors):
            "cannot load \(names[0]): not found in \(searched.isEmpty ? "the loader's paths" : searched.joined(separator: ", ") + " or the loader's paths")"
                + (errors.isEmpty ? "" : " (" + errors.joined(separator: "; ") + ")")
                + "; set SSD_CUDA_LIBRARY_PATH to the folder that holds it"
        case .missingSymbol(let name, let library): "\(library) has no \(name) (driver too old?)"
        case .driver(let call, let code, let message): "\(call) failed: \(message) (CUresult \(code))"
        case .compilation(let log): "NVRTC could not compile the kernels: \(log)"
        case .noDevice: "no CUDA device is visible"
        }
    }
}
