import Foundation
import GRDB

/// Stored events and dead letters in SQLite. Inserts are idempotent: by `EventId` when the
/// event has one, else by the Kafka position (topic, partition, offset) it came from.
///
/// Every access is `async`: GRDB runs it on the database's own queue, so an insert's fsync
/// or a long report query never holds one of Swift's cooperative threads (two on this
/// machine), which serve the HTTP server and the consumer.
public final class ReportStore: Sendable {
    let database: DatabaseQueue

    /// Where a message came from on Kafka.
    public struct Source: Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        public init(topic: String, partition: Int32, offset: Int64) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
        }
    }

    public init(path: String) throws {
        database = path == ":memory:" ? try DatabaseQueue() : try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT UNIQUE,
                    topic TEXT, kafka_partition INTEGER, kafka_offset INTEGER,
                    event_type TEXT NOT NULL,
                    description TEXT NOT NULL,
                    occured_on TEXT NOT NULL,
                    UNIQUE (topic, kafka_partition, kafka_offset));
                CREATE TABLE dead_letter (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    topic TEXT NOT NULL, kafka_partition INTEGER NOT NULL, kafka_offset INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    payload BLOB,
                    UNIQUE (topic, kafka_partition, kafka_offset));
                """)
        }
        try migrator.migrate(database)
    }

    /// Stores an event once; returns it when it is new, nil when it was already there.
    @discardableResult
    public func insert(_ event: IncomingEvent, from source: Source?) async throws -> StoredEvent? {
        try await database.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO event (event_id, topic, kafka_partition, kafka_offset, event_type, description, occured_on)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.eventId, source?.topic, source?.partition, source?.offset,
                                 event.eventType, event.eventDescription, event.occuredOn])
            guard db.changesCount > 0 else { return nil }
            return StoredEvent(id: db.lastInsertedRowID, eventType: event.eventType, eventDescription: event.eventDescription,
                               occuredOn: event.occuredOn, eventId: event.eventId)
        }
    }

    /// Keeps a message that is not a valid event (once per Kafka position).
    public func deadLetter(_ payload: [UInt8]?, from source: Source, reason: String) async throws {
        try await database.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO dead_letter (topic, kafka_partition, kafka_offset, reason, payload) VALUES (?, ?, ?, ?, ?)",
                           arguments: [source.topic, source.partition, source.offset, reason, payload.map { Data($0) }])
        }
    }

    /// Events oldest first, optionally of one type. With `after`, at most `limit` events
    /// that follow that id (the next page); without it, the newest `limit` (the tail).
    public func events(type: String? = nil, after: Int64? = nil, limit: Int? = nil) async throws -> [StoredEvent] {
        try await database.read { db in
            var sql = "SELECT id, event_type, description, occured_on, event_id FROM event WHERE 1 = 1"
            var arguments: [any DatabaseValueConvertible] = []
            if let type { sql += " AND event_type = ?"; arguments.append(type) }
            if let after { sql += " AND id > ?"; arguments.append(after) }
            let paging = after != nil
            sql += paging ? " ORDER BY id ASC" : " ORDER BY id DESC"
            if let limit { sql += " LIMIT ?"; arguments.append(limit) }
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            return (paging ? rows : Array(rows.reversed())).map {
                StoredEvent(id: $0[0], eventType: $0[1], eventDescription: $0[2], occuredOn: $0[3], eventId: $0[4])
            }
        }
    }

    /// Counts by type, the last event's time, and how many dead letters were kept.
    public func summary() async throws -> ReportSummary {
        try await database.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT event_type, COUNT(*) FROM event GROUP BY event_type") {
                counts[row[0]] = row[1]
            }
            return ReportSummary(
                total: counts.values.reduce(0, +), countsByType: counts,
                customers: counts["CustomerAdded"] ?? 0, carsAdded: counts["CarAdded"] ?? 0, carsSold: counts["CarSold"] ?? 0,
                lastEventAt: try String.fetchOne(db, sql: "SELECT occured_on FROM event ORDER BY id DESC LIMIT 1"),
                deadLetters: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dead_letter") ?? 0)
        }
    }
}

/// `GET /api/v1/report`.
public struct ReportSummary: Sendable, Equatable, Codable {
    public var total: Int
    public var countsByType: [String: Int]
    public var customers: Int
    public var carsAdded: Int
    public var carsSold: Int
    public var lastEventAt: String?
    public var deadLetters: Int
}
