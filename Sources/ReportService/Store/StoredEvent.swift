/// A reported event as the report service keeps it.
public struct StoredEvent: Sendable, Equatable, Codable {
    /// Position in the store: increasing, used by `?after=`.
    public var id: Int64
    public var eventType: String
    public var eventDescription: String
    public var occuredOn: String
    public var eventId: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case eventType = "EventType"
        case eventDescription = "EventDescription"
        case occuredOn = "OccuredOn"
        case eventId = "EventId"
    }
}

/// An incoming event, before storage: what the topic or `POST /api/v1/report-event` carried.
public struct IncomingEvent: Sendable, Equatable, Decodable {
    public static let eventTypes: Set<String> = ["CustomerAdded", "CarAdded", "CarSold"]

    public var eventType: String
    public var eventDescription: String
    public var occuredOn: String
    public var eventId: String?

    enum CodingKeys: String, CodingKey {
        case eventType = "EventType"
        case eventDescription = "EventDescription"
        case occuredOn = "OccuredOn"
        case eventId = "EventId"
    }

    public init(eventType: String, eventDescription: String, occuredOn: String, eventId: String?) {
        self.eventType = eventType
        self.eventDescription = eventDescription
        self.occuredOn = occuredOn
        self.eventId = eventId
    }

    /// Parses and checks an event's JSON; the error says what is wrong with it.
    public static func parse(_ bytes: [UInt8]) -> Result<IncomingEvent, EventRejection> {
        var event: IncomingEvent
        do {
            event = try JSONDecoder().decode(IncomingEvent.self, from: Data(bytes))
        } catch {
            return .failure(EventRejection(reason: "not a reported event: \(error)"))
        }
        guard eventTypes.contains(event.eventType) else {
            return .failure(EventRejection(reason: "unknown EventType '\(event.eventType)'"))
        }
        guard !event.occuredOn.isEmpty else { return .failure(EventRejection(reason: "OccuredOn is empty")) }
        // An empty id, or .NET's unset Guid, identifies nothing: every such event would be
        // dropped as a duplicate of the first. Without an id the Kafka position identifies it.
        if let id = event.eventId?.trimmingCharacters(in: .whitespaces),
           id.isEmpty || id == "00000000-0000-0000-0000-000000000000" {
            event.eventId = nil
        }
        return .success(event)
    }
}

/// Why a message is not a valid event.
public struct EventRejection: Error, Sendable, Equatable {
    public var reason: String
}

import Foundation
