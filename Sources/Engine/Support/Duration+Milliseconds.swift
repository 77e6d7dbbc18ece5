extension Duration {
    /// The duration in milliseconds, for timing tables and logs.
    public var milliseconds: Double { Double(components.seconds) * 1e3 + Double(components.attoseconds) * 1e-15 }
}
