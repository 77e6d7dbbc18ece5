extension TFLiteLoader {
    /// Loads the model file at `path`.
    public static func load(contentsOf path: String) throws(ModelError) -> Graph {
        try load(try ModelFile.read(path), name: ModelFile.name(of: path))
    }
}
