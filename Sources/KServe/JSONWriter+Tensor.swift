extension JSONWriter {
    /// `{"name":..,"datatype":..,"shape":[..]` plus, with `binaryDataSize`, the parameter that says where the data
    /// is; the object is left open when `data` follows (`closed: false`).
    mutating func tensorHeader(_ tensor: TensorMetadata, binaryDataSize: Int?, closed: Bool = true) {
        objectStart()
        key("name")
        string(tensor.name)
        key("datatype")
        string(tensor.datatype.rawValue)
        key("shape")
        arrayStart()
        for dimension in tensor.shape { integer(dimension) }
        arrayEnd()
        if let binaryDataSize {
            key("parameters")
            objectStart()
            key("binary_data_size")
            integer(binaryDataSize)
            objectEnd()
        }
        if closed { objectEnd() }
    }
}
