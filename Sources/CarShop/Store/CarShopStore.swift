import Foundation
import GRDB

/// The shop's state in SQLite. Every change and the event that reports it are written in
/// one transaction (the outbox), so an event exists exactly when its change does.
public final class CarShopStore: Sendable {
    let database: DatabaseQueue

    /// Opens (creating and migrating) the database at `path`; `:memory:` for tests.
    public init(path: String) throws(CarShopError) {
        do {
            database = path == ":memory:" ? try DatabaseQueue() : try DatabaseQueue(path: path)
            try Self.migrator.migrate(database)
        } catch {
            throw .storage("cannot open \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE customer (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    leg_power INTEGER NOT NULL CHECK (leg_power >= 0),
                    hand_power INTEGER NOT NULL CHECK (hand_power >= 0),
                    car_number INTEGER REFERENCES car(number));
                CREATE TABLE car (
                    number INTEGER PRIMARY KEY AUTOINCREMENT,
                    engine TEXT NOT NULL CHECK (engine IN ('pedal', 'hand')),
                    pedal_size INTEGER,
                    owner TEXT REFERENCES customer(name));
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL UNIQUE,
                    event_type TEXT NOT NULL,
                    message_key TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    sent_at TEXT);
                CREATE INDEX outbox_pending ON outbox(id) WHERE sent_at IS NULL;
                """)
        }
        return migrator
    }

    /// Runs `body` in one write transaction, mapping database errors to `CarShopError`.
    func write<T>(_ body: (Database) throws -> T) throws(CarShopError) -> T {
        do {
            return try database.write(body)
        } catch let error as CarShopError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(CarShopError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw .storage("\(error)")
        }
    }

    /// Appends an event to the outbox inside the caller's transaction.
    static func record(_ event: ReportedEvent, key: String, in db: Database) throws {
        try db.execute(sql: "INSERT INTO outbox (event_id, event_type, message_key, payload) VALUES (?, ?, ?, ?)",
                       arguments: [event.eventId, event.eventType.rawValue, key, event.json()])
    }
}
