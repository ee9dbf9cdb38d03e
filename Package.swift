// swift-tools-version:6.1
import PackageDescription

/// Module graph (no cycles):
///   KafkaProtocol ← LogStore ← Broker ← tributaryd
///   CKafka ← KafkaClient ← CarShop / ReportService / tributary
let package = Package(
    name: "Tributary",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tributaryd", targets: ["tributaryd"]),
        .executable(name: "tributary", targets: ["tributary"]),
        .executable(name: "carshop", targets: ["carshop"]),
        .executable(name: "report-service", targets: ["report-service"]),
        .library(name: "LogStore", targets: ["LogStore"]),
        .library(name: "KafkaProtocol", targets: ["KafkaProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // Hardware CRC-32C; Swift cannot reach the crc32 instructions directly.
        .target(name: "CCRC32C"),
        // A memcpy without `rep movsb`, which is slow on AMD Zen at some alignments (used
        // by the broker's frame assembly and LogStore's writes).
        .target(name: "CByteCopy"),
        // fallocate(FALLOC_FL_KEEP_SIZE) for LogStore's active segments.
        .target(name: "CFileSpace"),
        .target(
            name: "KafkaProtocol",
            dependencies: ["CCRC32C", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "LogStore",
            dependencies: [
                "CByteCopy",
                "CFileSpace",
                "KafkaProtocol",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Broker",
            dependencies: [
                "CByteCopy",
                "LogStore",
                "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .systemLibrary(
            name: "CKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "KafkaClient",
            dependencies: [
                "CKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "CarShop",
            dependencies: ["KafkaClient", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "ReportService",
            dependencies: [
                "KafkaClient",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CommandSupport",
            dependencies: [.product(name: "Configuration", package: "swift-configuration")]
        ),
        .executableTarget(
            name: "tributaryd",
            dependencies: [
                "Broker",
                "CommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        .executableTarget(
            name: "tributary",
            dependencies: [
                "KafkaClient",
                "CommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "carshop",
            dependencies: [
                "CarShop",
                "KafkaClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "report-service",
            dependencies: [
                "ReportService",
                "CommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "logstore-bench",
            dependencies: ["LogStore"],
            path: "Benchmarks/logstore-bench"
        ),
        // Fuzz targets (`make fuzz`); built normally they replay a corpus (`make test`).
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "fuzz-requests", dependencies: ["KafkaProtocol", "FuzzSupport"], path: "Fuzz/fuzz-requests"),
        .executableTarget(
            name: "fuzz-segment",
            dependencies: ["LogStore", "KafkaProtocol", "FuzzSupport", .product(name: "Logging", package: "swift-log")],
            path: "Fuzz/fuzz-segment"
        ),
        .testTarget(name: "KafkaProtocolTests", dependencies: ["KafkaProtocol"]),
        // Starts an in-process tributaryd for the test targets.
        .target(
            name: "TestSupport",
            dependencies: ["Broker", "CDispatchKick", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"
        ),
        // Keeps libdispatch's pool from stranding a job in the test process (see its source).
        .target(name: "CDispatchKick", path: "Tests/CDispatchKick", linkerSettings: [.linkedLibrary("dl")]),
        .testTarget(name: "KafkaClientTests", dependencies: ["KafkaClient", "TestSupport"]),
        .testTarget(name: "CarShopTests", dependencies: ["CarShop", "KafkaClient", "TestSupport"]),
        .testTarget(name: "LogStoreTests", dependencies: ["LogStore", "KafkaProtocol"]),
        .testTarget(name: "ReportServiceTests", dependencies: ["ReportService"]),
        .testTarget(
            name: "BrokerTests",
            dependencies: [
                "Broker",
                "TestSupport",
                "LogStore",
                "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
