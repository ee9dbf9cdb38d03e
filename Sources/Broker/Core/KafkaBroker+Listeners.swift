extension KafkaBroker {
    /// The address a client is told to connect to: the advertised address of the listener
    /// its request came in on, so a client that reached the broker through one network is
    /// not sent to a name only another network resolves.
    func advertisedAddress(for connection: ConnectionContext) -> (host: String, port: Int32) {
        let listeners = configuration.listeners
        let listener = listeners.indices.contains(connection.listener) ? listeners[connection.listener] : listeners[0]
        return (listener.advertisedHost, Int32(listener.advertisedPort))
    }
}
