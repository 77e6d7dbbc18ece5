/// A kernel launch's arguments, each in 8 bytes of its own, as cuLaunchKernel takes them (an array of pointers
/// to the values). Built once at planning; the launch copies them.
final class KernelArguments {
    private var storage: [UnsafeMutableRawPointer] = []
    private(set) var pointers: [UnsafeMutableRawPointer?] = []

    func add(_ value: some BitwiseCopyable) {
        let slot = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
        slot.initializeMemory(as: UInt8.self, repeating: 0, count: 8)
        slot.storeBytes(of: value, as: type(of: value))
        storage.append(slot)
        pointers.append(slot)
    }

    /// A device pointer, or null (0) for an absent optional buffer.
    func add(device: CUdeviceptr) { add(device) }

    deinit { storage.forEach { $0.deallocate() } }
}

/// One planned kernel launch.
struct KernelLaunch {
    let function: CUhandle
    let name: String
    let elements: Int
    let arguments: KernelArguments

    static let threadsPerBlock = 256

    var blocks: UInt32 { UInt32((elements + Self.threadsPerBlock - 1) / Self.threadsPerBlock) }
}
