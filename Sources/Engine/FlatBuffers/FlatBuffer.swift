/// A bounds-checked reader of FlatBuffers binaries (the container of TFLite models).
///
/// Written here rather than generated: the FlatBuffers Swift runtime trusts its input (a bad offset traps), and
/// a model file is untrusted input. Only what a reader needs: tables with vtables, scalars, strings, vectors of
/// scalars and of tables, nested offsets. Every position is checked before it is read.
struct FlatBuffer: Sendable {
    /// The whole file.
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The four-byte file identifier after the root offset (e.g. "TFL3"), when the file is long enough.
    var fileIdentifier: String? {
        guard bytes.count >= 8 else { return nil }
        return String(decoding: bytes[4..<8], as: UTF8.self)
    }

    /// The root table.
    func root() throws(FlatBufferError) -> FlatBufferTable {
        try table(at: Int(try load(UInt32.self, at: 0, what: "root offset")))
    }

    /// Checks that `length` bytes at `offset` are inside the buffer.
    func check(_ offset: Int, _ length: Int, what: String) throws(FlatBufferError) {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw .outOfBounds(what: what, offset: offset, length: length, size: bytes.count)
        }
    }

    /// A little-endian scalar at `offset`.
    func load<T: FixedWidthInteger>(_: T.Type, at offset: Int, what: String) throws(FlatBufferError) -> T {
        try check(offset, MemoryLayout<T>.size, what: what)
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    /// The table at `position`, with its vtable validated.
    func table(at position: Int) throws(FlatBufferError) -> FlatBufferTable {
        let relative = Int(try load(Int32.self, at: position, what: "table"))
        let vtable = position - relative
        let vtableSize = Int(try load(UInt16.self, at: vtable, what: "vtable"))
        let tableSize = Int(try load(UInt16.self, at: vtable + 2, what: "vtable"))
        guard vtableSize >= 4, vtableSize % 2 == 0, tableSize >= 4 else { throw .invalidVTable(offset: vtable) }
        try check(vtable, vtableSize, what: "vtable")
        try check(position, tableSize, what: "table")
        return FlatBufferTable(
            buffer: self, position: position, vtable: vtable, fieldCount: (vtableSize - 4) / 2,
            size: tableSize)
    }

    /// Follows the 32-bit offset stored at `position` (offsets are relative to where they are stored).
    func follow(_ position: Int, what: String) throws(FlatBufferError) -> Int {
        position + Int(try load(UInt32.self, at: position, what: what))
    }

    /// The vector whose length word is at `position`, `elementSize` bytes an element.
    func vector(at position: Int, elementSize: Int, what: String) throws(FlatBufferError) -> FlatBufferVector {
        let count = Int(try load(UInt32.self, at: position, what: what))
        let (length, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw .outOfBounds(what: what, offset: position + 4, length: .max, size: bytes.count) }
        try check(position + 4, length, what: what)
        return FlatBufferVector(buffer: self, start: position + 4, count: count, elementSize: elementSize)
    }

    /// The string whose length word is at `position`.
    func string(at position: Int, what: String) throws(FlatBufferError) -> String {
        let vector = try vector(at: position, elementSize: 1, what: what)
        guard let text = String(validating: bytes[vector.byteRange], as: UTF8.self) else {
            throw .invalidString(offset: position)
        }
        return text
    }
}

/// A table: fields found through its vtable, absent ones read as their defaults.
struct FlatBufferTable: Sendable {
    let buffer: FlatBuffer
    let position: Int
    let vtable: Int
    let fieldCount: Int
    /// Inline size of the table, from its vtable; every field must lie within it.
    let size: Int

    /// Where field `index` is stored, or nil when absent. Checked to lie within the table and `width` bytes long.
    func fieldPosition(_ index: Int, width: Int) throws(FlatBufferError) -> Int? {
        guard index < fieldCount else { return nil }
        let offset = Int(try buffer.load(UInt16.self, at: vtable + 4 + 2 * index, what: "vtable entry"))
        guard offset != 0 else { return nil }
        guard offset + width <= size else { throw .invalidVTable(offset: vtable) }
        return position + offset
    }

    /// An integer field (or enum, or bool as UInt8), `defaultValue` when absent.
    func scalar<T: FixedWidthInteger>(_ index: Int, default defaultValue: T) throws(FlatBufferError) -> T {
        guard let at = try fieldPosition(index, width: MemoryLayout<T>.size) else { return defaultValue }
        return try buffer.load(T.self, at: at, what: "field")
    }

    /// A float field, `defaultValue` when absent.
    func float(_ index: Int, default defaultValue: Float) throws(FlatBufferError) -> Float {
        guard let at = try fieldPosition(index, width: 4) else { return defaultValue }
        return Float(bitPattern: try buffer.load(UInt32.self, at: at, what: "field"))
    }

    /// A sub-table field, nil when absent.
    func table(_ index: Int) throws(FlatBufferError) -> FlatBufferTable? {
        guard let at = try fieldPosition(index, width: 4) else { return nil }
        return try buffer.table(at: try buffer.follow(at, what: "table offset"))
    }

    /// A string field, nil when absent.
    func string(_ index: Int) throws(FlatBufferError) -> String? {
        guard let at = try fieldPosition(index, width: 4) else { return nil }
        return try buffer.string(at: try buffer.follow(at, what: "string offset"), what: "string")
    }

    /// A vector field of `elementSize`-byte elements (4 for tables and strings), nil when absent.
    func vector(_ index: Int, elementSize: Int) throws(FlatBufferError) -> FlatBufferVector? {
        guard let at = try fieldPosition(index, width: 4) else { return nil }
        return try buffer.vector(
            at: try buffer.follow(at, what: "vector offset"), elementSize: elementSize, what: "vector")
    }
}

/// A vector inside the buffer; its extent was checked when it was made.
struct FlatBufferVector: Sendable {
    let buffer: FlatBuffer
    let start: Int
    let count: Int
    let elementSize: Int

    /// The bytes of the elements.
    var byteRange: Range<Int> { start..<(start + count * elementSize) }

    /// All elements as little-endian integers of the vector's element size.
    func scalars<T: FixedWidthInteger>(_: T.Type) -> [T] {
        precondition(MemoryLayout<T>.size == elementSize, "element size mismatch")
        return buffer.bytes.withUnsafeBytes { raw in
            (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: start + $0 * elementSize, as: T.self)) }
        }
    }

    /// All elements as floats (element size 4).
    func floats() -> [Float] { scalars(UInt32.self).map(Float.init(bitPattern:)) }

    /// Element `i` of a vector of tables.
    func table(at i: Int) throws(FlatBufferError) -> FlatBufferTable {
        precondition(i >= 0 && i < count && elementSize == 4, "index out of range")
        return try buffer.table(at: try buffer.follow(start + 4 * i, what: "table offset"))
    }

    /// Element `i` of a vector of strings.
    func string(at i: Int) throws(FlatBufferError) -> String {
        precondition(i >= 0 && i < count && elementSize == 4, "index out of range")
        return try buffer.string(at: try buffer.follow(start + 4 * i, what: "string offset"), what: "string")
    }
}
