import Foundation
import Logging
import LogStore

/// `topics.json`: topics the broker makes sure exist at start, like
/// `kafka-topics --create --if-not-exists`. Existing topics are left alone; a difference
/// from the file is logged, never applied.
public struct TopicsFile: Codable, Sendable, Equatable {
    public struct Topic: Codable, Sendable, Equatable {
        public var name: String
        public var partitions: Int?
        public var config: [String: String]?
    }

    public var topics: [Topic]

    /// Reads and parses the file; the error says what is wrong and where.
    public static func load(path: String) throws -> TopicsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TopicsFileError(message: "cannot read topics file \(path)")
        }
        do {
            return try JSONDecoder().decode(TopicsFile.self, from: data)
        } catch {
            throw TopicsFileError(message: "topics file \(path) is not valid: \(error)")
        }
    }

    /// Creates the missing topics. Throws on the first topic the store refuses.
    public func apply(to store: LogStore, logger: Logger) throws {
        for topic in topics {
            let partitions = topic.partitions ?? 1
            let config = topic.config ?? [:]
            if let existing = store.describeTopic(topic.name) {
                if existing.partitionCount != partitions || existing.overrides != config {
                    logger.notice("topic \(topic.name) exists and differs from the topics file (left as it is)", metadata: [
                        "partitions": "\(existing.partitionCount) (file: \(partitions))",
                        "config": "\(existing.overrides) (file: \(config))",
                    ])
                }
                continue
            }
            do {
                try store.createTopic(topic.name, partitions: partitions, configs: config)
            } catch {
                throw TopicsFileError(message: "topics file: cannot create \(topic.name): \(error)")
            }
        }
    }
}

/// A topics file that cannot be read or applied.
public struct TopicsFileError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
