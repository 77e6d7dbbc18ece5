#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading a model file whole, bounded: what every loader does first.
public enum ModelFile {
    /// Models larger than this are refused before reading (the largest SSD exports are tens of megabytes).
    public static let maximumSize = 1 << 30

    /// The file's name without its folder, which names the graph in messages.
    static func name(of path: String) -> String { String(path.split(separator: "/").last ?? Substring(path)) }

    /// The bytes of the file at `path`, refused past `maximumSize` or when it is not a readable regular file.
    static func read(_ path: String) throws(ModelError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        guard fseeko(file, 0, SEEK_END) == 0 else { throw .unreadable(path: path, reason: "not a regular file") }
        let size = Int(ftello(file))
        guard size >= 0, size <= maximumSize else {
            throw .unreadable(path: path, reason: "\(size) bytes, more than the \(maximumSize)-byte limit")
        }
        rewind(file)
        var bytes = [UInt8](repeating: 0, count: size)
        let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, file) }
        guard read == size else { throw .unreadable(path: path, reason: "read \(read) of \(size) bytes") }
        return bytes
    }
}
