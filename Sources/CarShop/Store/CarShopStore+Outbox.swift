import GRDB

/// An event waiting in the outbox.
public struct OutboxEntry: Sendable, Equatable {
    public var id: Int64
    public var eventId: String
    public var eventType: String
    public var key: String
    public var payload: [UInt8]
}

extension CarShopStore {
    /// Unsent events, oldest first.
    public func pendingEvents(limit: Int = 1000) throws(CarShopError) -> [OutboxEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, event_id, event_type, message_key, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?",
                             arguments: [limit]).map {
                OutboxEntry(id: $0["id"], eventId: $0["event_id"], eventType: $0["event_type"], key: $0["message_key"],
                            payload: Array(($0["payload"] as Data?) ?? Data()))
            }
        }
    }

    public func pendingCount() throws(CarShopError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL") ?? 0 }
    }

    public func sentCount() throws(CarShopError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL") ?? 0 }
    }

    /// Marks an event delivered (only after the broker acknowledged it).
    public func markSent(_ id: Int64) throws(CarShopError) {
        try write { db in
            try db.execute(sql: "UPDATE outbox SET sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?", arguments: [id])
        }
    }

    /// Every event ever recorded, oldest first (report export).
    public func allEvents() throws(CarShopError) -> [ReportedEvent] {
        try read { db in
            try Data.fetchAll(db, sql: "SELECT payload FROM outbox ORDER BY id").compactMap {
                try? JSONDecoder().decode(ReportedEvent.self, from: $0)
            }
        }
    }
}

import Foundation
