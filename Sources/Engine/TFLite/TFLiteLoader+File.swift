#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension TFLiteLoader {
    /// Models larger than this are refused before reading (the largest SSD exports are tens of megabytes).
    public static let maximumFileSize = 1 << 30

    /// Loads the model file at `path`.
    public static func load(contentsOf path: String) throws(ModelError) -> Graph {
        try load(try readFile(path), name: String(path.split(separator: "/").last ?? Substring(path)))
    }

    static func readFile(_ path: String) throws(ModelError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        guard fseeko(file, 0, SEEK_END) == 0 else { throw .unreadable(path: path, reason: "not a regular file") }
        let size = Int(ftello(file))
        guard size >= 0, size <= maximumFileSize else {
            throw .unreadable(path: path, reason: "\(size) bytes, more than the \(maximumFileSize)-byte limit")
        }
        rewind(file)
        var bytes = [UInt8](repeating: 0, count: size)
        let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, file) }
        guard read == size else { throw .unreadable(path: path, reason: "read \(read) of \(size) bytes") }
        return bytes
    }
}
