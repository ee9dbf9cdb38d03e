/// Namespace for the `Broker` module; its contents land with its issue (see docs/architecture.md).
public enum BrokerModule {}
