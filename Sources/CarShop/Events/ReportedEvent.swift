import Foundation

/// A change the shop reports, in the wire format of the course's .NET `ReportedEventDto`:
/// `{"EventType", "EventDescription", "OccuredOn", "EventId"}` (`OccuredOn` spelled as there).
public struct ReportedEvent: Sendable, Equatable, Codable {
    public enum EventType: String, Sendable, Codable, CaseIterable {
        case customerAdded = "CustomerAdded"
        case carAdded = "CarAdded"
        case carSold = "CarSold"
    }

    public var eventType: EventType
    public var eventDescription: String
    /// ISO 8601 with milliseconds and offset, e.g. `2026-11-22T12:00:00.000+00:00`.
    public var occuredOn: String
    public var eventId: String

    enum CodingKeys: String, CodingKey {
        case eventType = "EventType"
        case eventDescription = "EventDescription"
        case occuredOn = "OccuredOn"
        case eventId = "EventId"
    }

    public init(eventType: EventType, eventDescription: String, occuredOn: Date = Date(), eventId: UUID = UUID()) {
        self.eventType = eventType
        self.eventDescription = eventDescription
        self.occuredOn = Self.timestamp(occuredOn)
        self.eventId = eventId.uuidString.lowercased()
    }

    /// The JSON the topic carries.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'+00:00'"
        return formatter.string(from: date)
    }
}
