import Foundation

/// A request's or response's body as the protocol lays it out: a JSON header, then (binary tensor data extension)
/// the raw data of the tensors whose header gives a `binary_data_size`, in the order they are listed. The header's
/// length comes in the `Inference-Header-Content-Length` HTTP header; without it the whole body is JSON.
struct MessageBody {
    /// The header's top-level object.
    let header: [String: Any]
    private let body: [UInt8]
    /// The next unread byte of the binary part.
    private var cursor: Int

    init(_ body: [UInt8], headerLength: Int?, maximumJSONBytes: Int) throws(KServeError) {
        let length = headerLength ?? body.count
        guard length > 0, length <= body.count else {
            throw .badRequest(
                "Inference-Header-Content-Length is \(length), the body \(body.count) bytes: it must lie in 1...\(body.count)"
            )
        }
        guard length <= maximumJSONBytes else {
            throw KServeError(
                status: 413,
                "the JSON part is \(length) bytes, over \(maximumJSONBytes): send large tensors as binary data "
                    + "(binary_data_size, Inference-Header-Content-Length)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(body[0..<length]))
        } catch {
            throw .badRequest("the JSON header is not valid JSON: \(error.localizedDescription)")
        }
        guard let header = object as? [String: Any] else { throw .badRequest("the JSON header must be an object") }
        self.header = header
        self.body = body
        cursor = length
    }

    /// The next `count` bytes of the binary part.
    mutating func binary(_ count: Int, tensor: String) throws(KServeError) -> [UInt8] {
        guard count <= body.count - cursor else {
            throw .badRequest(
                "tensor '\(tensor)' declares \(count) bytes of binary data; \(body.count - cursor) are left in the body"
            )
        }
        defer { cursor += count }
        return Array(body[cursor..<(cursor + count)])
    }

    /// Throws unless the binary part has been read to its end (a body longer than its tensors is malformed).
    func finish() throws(KServeError) {
        guard cursor == body.count else {
            throw .badRequest("\(body.count - cursor) bytes after the tensors' binary data belong to no tensor")
        }
    }

    /// The tensors listed under `key` (`inputs` or `outputs`), each with its data from the JSON or the binary part.
    mutating func tensors(_ key: String, limits: InferenceRequest.Limits, required: Bool) throws(KServeError)
        -> [InferenceTensor]
    {
        guard let value = header[key] else {
            if required { throw .badRequest("'\(key)' is missing") }
            return []
        }
        guard let list = value as? [Any], list.count <= limits.maximumTensors, !(required && list.isEmpty) else {
            throw .badRequest("'\(key)' must be a list of 1...\(limits.maximumTensors) tensors")
        }
        var tensors: [InferenceTensor] = []
        for (position, entry) in list.enumerated() {
            let tensor = try self.tensor(entry, at: "\(key)[\(position)]", limits: limits)
            guard !tensors.contains(where: { $0.name == tensor.name }) else {
                throw .badRequest("tensor '\(tensor.name)' is listed twice in '\(key)'")
            }
            tensors.append(tensor)
        }
        return tensors
    }

    private mutating func tensor(_ entry: Any, at path: String, limits: InferenceRequest.Limits)
        throws(KServeError) -> InferenceTensor
    {
        guard let object = entry as? [String: Any] else { throw .badRequest("\(path) must be an object") }
        let name = try Self.name(object["name"], at: "\(path).name", limits: limits)
        guard let typeName = object["datatype"] as? String, let datatype = TensorDataType(rawValue: typeName) else {
            let known = TensorDataType.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badRequest("tensor '\(name)': datatype must be one of \(known)")
        }
        let shape = try Self.shape(object["shape"], tensor: name)
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= limits.maximumElements else {
                throw .badRequest("tensor '\(name)': shape \(shape) has over \(limits.maximumElements) elements")
            }
            elements = product
        }
        let byteCount = elements * datatype.byteSize
        let parameters = try Self.parameters(object["parameters"], at: "tensor '\(name)'")
        let bytes: [UInt8]
        if let size = parameters["binary_data_size"] {
            guard let size = Self.integer(size), size == byteCount else {
                throw .badRequest(
                    "tensor '\(name)': binary_data_size must be \(byteCount) (\(datatype.rawValue) \(shape))")
            }
            guard object["data"] == nil else { throw .badRequest("tensor '\(name)' has both data and binary data") }
            bytes = try binary(size, tensor: name)
        } else if let data = object["data"] {
            bytes = try TensorElements.bytes(fromJSON: data, datatype: datatype, count: elements, tensor: name)
        } else {
            throw .badRequest("tensor '\(name)' has neither data nor binary_data_size")
        }
        return InferenceTensor(name: name, datatype: datatype, shape: shape, bytes: bytes)
    }

    /// A `parameters` object, empty when absent.
    static func parameters(_ value: Any?, at path: String) throws(KServeError) -> [String: Any] {
        guard let value else { return [:] }
        guard let parameters = value as? [String: Any] else {
            throw .badRequest("\(path): parameters must be an object")
        }
        return parameters
    }

    /// A JSON true or false; nil for anything else.
    static func boolean(_ value: Any?) -> Bool? {
        guard let number = value as? NSNumber, TensorElements.isBoolean(number) else { return nil }
        return number.boolValue
    }

    /// A non-empty string of at most the limit's characters.
    static func name(_ value: Any?, at path: String, limits: InferenceRequest.Limits) throws(KServeError) -> String {
        guard let name = value as? String, !name.isEmpty, name.count <= limits.maximumNameLength else {
            throw .badRequest("\(path) must be a string of 1...\(limits.maximumNameLength) characters")
        }
        return name
    }

    private static func shape(_ value: Any?, tensor: String) throws(KServeError) -> [Int] {
        guard let list = value as? [Any], list.count <= InferenceRequest.Limits.maximumRank else {
            throw .badRequest(
                "tensor '\(tensor)': shape must be a list of at most \(InferenceRequest.Limits.maximumRank) dimensions")
        }
        var shape: [Int] = []
        for dimension in list {
            guard let dimension = integer(dimension), dimension >= 0 else {
                throw .badRequest("tensor '\(tensor)': shape dimensions must be integers >= 0")
            }
            shape.append(dimension)
        }
        return shape
    }

    /// A JSON number that is an integer representable as Int; nil for anything else (booleans included).
    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !TensorElements.isBoolean(number) else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }
}
