import Configuration
import Foundation

/// A command's `--config` JSON file: one object of settings named like its flags.
///
/// Values may be strings, numbers or booleans (`{"port": 8081, "auto-create-topics": false}`);
/// each becomes the string its flag would take, so one lookup serves flags, the environment
/// and the file alike. An unknown key or a value of another type is an error that names it,
/// rather than a setting silently left at its default.
public enum SettingsFile {
    /// Reads and checks `path`, for the lowest-precedence place in a `ConfigReader`.
    public static func provider(path: String, knownKeys: Set<String>) throws -> InMemoryProvider {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SettingsFileError("cannot read \(path): \(error.localizedDescription)")
        }
        let settings: [String: Setting]
        do {
            settings = try JSONDecoder().decode([String: Setting].self, from: data)
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            let key = context.codingPath[0].stringValue
            throw SettingsFileError("\(path): \"\(key)\" must be a string, number or boolean")
        } catch {
            throw SettingsFileError("\(path) is not a JSON object of settings: \(error)")
        }
        if let unknown = settings.keys.sorted().first(where: { !knownKeys.contains($0) }) {
            throw SettingsFileError("\(path): unknown setting \"\(unknown)\" (known: \(knownKeys.sorted().joined(separator: ", ")))")
        }
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, setting) in settings {
            values[AbsoluteConfigKey([key])] = ConfigValue(.string(setting.text), isSecret: false)
        }
        return InMemoryProvider(name: "file \(path)", values: values)
    }

    /// One value as its flag's text.
    struct Setting: Decodable {
        let text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                text = String(flag)
            } else if let integer = try? container.decode(Int64.self) {
                text = String(integer)
            } else if let number = try? container.decode(Double.self) {
                text = String(number)
            } else {
                text = try container.decode(String.self)
            }
        }
    }
}

/// A settings file that cannot be used, with a message for the command line.
public struct SettingsFileError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
