import HummingbirdCore

/// Accepts connections while fewer than `maximum` are open and the gate is open; past either, new connections
/// wait in the listen backlog (Hummingbird stops reading the listening socket).
struct ConnectionLimit: AvailableConnectionsDelegate {
    let maximum: Int
    let gate: AcceptGate
    private var open = 0

    init(maximum: Int, gate: AcceptGate) {
        self.maximum = maximum
        self.gate = gate
    }

    mutating func connectionOpened() { open += 1 }

    mutating func connectionClosed() { open -= 1 }

    func isAcceptingNewConnections() -> Bool { open < maximum && gate.isOpen }
}
