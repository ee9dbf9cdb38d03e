import ArgumentParser
import CommandSupport
import Configuration
import Foundation
import Logging
import ReportService

/// `report-service`: consumes the car shop's reported events and serves reports over HTTP.
///
/// Settings: flags, then the course's environment names
/// (`REPORTEDEVENTSCONSUMER__BOOTSTRAPSERVERS`, `REPORTEDEVENTSCONSUMER__TOPIC`) and
/// `REPORT_SERVICE_*`, then the JSON file given by `--config`, then defaults.
@main
struct ReportServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report-service",
                                                    abstract: "Consumes reported events and serves the car shop's reports.")

    @Option(name: .customLong("bootstrap-servers")) var bootstrapServers: String?
    @Option var topic: String?
    @Option var group: String?
    @Option var port: Int?
    @Option var host: String?
    @Option var db: String?
    @Option(name: .customLong("log-level")) var logLevel: String?
    @Option(help: "JSON settings file, e.g. {\"bootstrap-servers\": \"kafka:9092\", \"port\": 8081}.") var config: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        let given: [(String, String?)] = [
            ("bootstrap-servers", bootstrapServers), ("topic", topic), ("group", group), ("port", port.map(String.init)),
            ("host", host), ("db", db), ("log-level", logLevel),
        ]
        for case let (key, value?) in given { flags[AbsoluteConfigKey([key])] = ConfigValue(.string(value), isSecret: false) }
        // The course's names first, then REPORT_SERVICE_<NAME>.
        var courseNames: [AbsoluteConfigKey: ConfigValue] = [:]
        if let value = environment["REPORTEDEVENTSCONSUMER__BOOTSTRAPSERVERS"] { courseNames[AbsoluteConfigKey(["bootstrap-servers"])] = ConfigValue(.string(value), isSecret: false) }
        if let value = environment["REPORTEDEVENTSCONSUMER__TOPIC"] { courseNames[AbsoluteConfigKey(["topic"])] = ConfigValue(.string(value), isSecret: false) }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flags),
            InMemoryProvider(name: "course environment", values: courseNames),
            EnvironmentVariablesProvider().prefixKeys(with: ConfigKey(["report", "service"])),
        ]
        if let file = config ?? environment["REPORT_SERVICE_CONFIG"] {
            do {
                providers.append(try SettingsFile.provider(path: file, knownKeys: Set(given.map(\.0))))
            } catch {
                throw ValidationError("--config: \(error)")
            }
        }
        let reader = ConfigReader(providers: providers)
        var settings = ReportServiceApplication.Configuration()
        settings.bootstrapServers = reader.string(forKey: ConfigKey(["bootstrap-servers"]), default: settings.bootstrapServers)
        settings.topic = reader.string(forKey: ConfigKey(["topic"]), default: settings.topic)
        settings.groupId = reader.string(forKey: ConfigKey(["group"]), default: settings.groupId)
        settings.host = reader.string(forKey: ConfigKey(["host"]), default: settings.host)
        settings.database = reader.string(forKey: ConfigKey(["db"]), default: "./reports.sqlite")
        let portText = reader.string(forKey: ConfigKey(["port"]), default: "8081")
        guard let port = Int(portText), (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, got '\(portText)'") }
        settings.port = port
        var logger = Logger(label: "report-service")
        let levelName = reader.string(forKey: ConfigKey(["log-level"]), default: "info")
        guard let level = Logger.Level(rawValue: levelName) else { throw ValidationError("unknown log level '\(levelName)'") }
        logger.logLevel = level
        var application = ReportServiceApplication(configuration: settings, logger: logger)
        let announce = logger, host = settings.host
        application.onReady = { port in announce.info("report-service listening", metadata: ["http": "\(host):\(port)"]) }
        try await application.run()
    }
}
