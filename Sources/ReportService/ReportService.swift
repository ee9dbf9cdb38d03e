/// Namespace for the `ReportService` module; its contents land with its issue (see docs/architecture.md).
public enum ReportServiceModule {}
