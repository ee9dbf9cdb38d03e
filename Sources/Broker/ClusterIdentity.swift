import Foundation

/// The cluster id Metadata reports: made once per data directory (Kafka's `meta.properties`).
enum ClusterIdentity {
    static func load(directory: String) throws -> String {
        let path = directory + "/cluster.id"
        if let data = FileManager.default.contents(atPath: path),
           let id = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty {
            return id
        }
        // Kafka's format: a UUID as 22 characters of URL-safe base64.
        let uuid = UUID().uuid
        let bytes = withUnsafeBytes(of: uuid) { Data($0) }
        let id = String(bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").prefix(22))
        try Data(id.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return id
    }
}
