import Foundation

/// `topics/<name>/topic.json`: what the store needs to reopen a topic.
struct TopicMetadata: Codable, Sendable {
    var id: UUID
    var partitions: Int
    var config: [String: String]

    static func read(directory: String) -> TopicMetadata? {
        guard let data = FileManager.default.contents(atPath: directory + "/topic.json") else { return nil }
        // A partition count out of range is as unreadable as bad JSON (and would trap a range).
        guard let metadata = try? JSONDecoder().decode(TopicMetadata.self, from: data),
              (1...Int(Int32.max)).contains(metadata.partitions)
        else { return nil }
        return metadata
    }

    func write(directory: String) throws(LogStoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { throw .invalidConfig("cannot encode topic metadata") }
        try AtomicFile.write(Array(data), to: directory + "/topic.json")
    }
}
