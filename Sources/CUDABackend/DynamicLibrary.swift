#if canImport(Glibc)
    import Glibc
#endif

/// A shared library opened at run time, so that the same binary builds and runs where CUDA is absent.
final class DynamicLibrary: @unchecked Sendable {
    let path: String
    private let handle: UnsafeMutableRawPointer

    /// Opens the first of `names` found in `folders` (then by the loader's own search, for bare names).
    /// Throws the reasons each attempt failed.
    init(names: [String], folders: [String]) throws(CUDAError) {
        var attempts: [String] = []
        let candidates = folders.flatMap { folder in names.map { "\(folder)/\($0)" } } + names
        for candidate in candidates {
            if let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) {
                self.handle = handle
                path = candidate
                return
            }
            if let message = dlerror(), candidate.contains("/") == false || access(candidate, F_OK) == 0 {
                attempts.append(String(cString: message))
            }
        }
        throw .libraryNotFound(names: names, searched: folders, errors: attempts)
    }

    /// The symbol `name` as a C function of type `T`.
    func function<T>(_ name: String, as type: T.Type) throws(CUDAError) -> T {
        guard let symbol = dlsym(handle, name) else { throw .missingSymbol(name, library: path) }
        return unsafeBitCast(symbol, to: type)
    }

    deinit { dlclose(handle) }
}
