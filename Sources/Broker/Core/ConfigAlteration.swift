import KafkaProtocol
import LogStore

/// Why one resource of an AlterConfigs or IncrementalAlterConfigs request was refused.
struct ConfigAlterationRefusal: Error {
    var code: ErrorCode
    var message: String

    static func invalidRequest(_ message: String) -> Self { .init(code: .invalidRequest, message: message) }

    init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    init(_ error: LogStoreError) {
        self.code = ErrorCode(rawValue: error.kafkaErrorCode) ?? .unknownServerError
        self.message = error.description
    }
}

extension KafkaBroker {
    /// One resource's answer to AlterConfigs or IncrementalAlterConfigs. Only topics can be
    /// altered: the broker's own settings come from its flags and config file at start. A
    /// resource named twice in one request, or a key named twice for one resource, is
    /// INVALID_REQUEST, as in Kafka; `alter` runs only for a topic that passed those checks.
    func alterConfigsResult(type: Int8, name: String, namedAgain: Bool, keys: [String],
                            _ alter: () throws(ConfigAlterationRefusal) -> Void) -> AlterConfigsResponse.Result {
        var result = AlterConfigsResponse.Result()
        result.resourceType = type
        result.resourceName = name
        do throws(ConfigAlterationRefusal) {
            guard !namedAgain else { throw .invalidRequest("resource \(type)/\(name) appears more than once in the request") }
            switch type {
            case Self.topicResource: break
            case Self.brokerResource, Self.brokerLoggerResource:
                throw .invalidRequest("broker configs cannot be altered at runtime: set them with tributaryd's flags or config file")
            default:
                throw .invalidRequest("resource type \(type) is not supported")
            }
            var seen = Set<String>()
            let repeated = Set(keys.filter { !seen.insert($0).inserted })
            guard repeated.isEmpty else { throw .invalidRequest("duplicate config keys: \(repeated.sorted().joined(separator: ", "))") }
            try alter()
        } catch {
            result.errorCode = error.code.rawValue
            result.errorMessage = error.message
        }
        return result
    }

    /// Changes topic `name`'s overrides through `LogStore.alterConfig`, a store refusal
    /// becoming this resource's answer.
    func alterTopicConfig(_ name: String, validateOnly: Bool,
                          _ change: ([String: String]) throws(LogStoreError) -> [String: String]) throws(ConfigAlterationRefusal) {
        do throws(LogStoreError) {
            try store.alterConfig(name, validateOnly: validateOnly, change)
        } catch {
            throw ConfigAlterationRefusal(error)
        }
    }

    /// The positions of resources that an earlier position of the same request already named.
    static func repeatedResources(_ resources: [(type: Int8, name: String)]) -> Set<Int> {
        var seen = Set<String>()
        return Set(resources.indices.filter { !seen.insert("\(resources[$0].type)/\(resources[$0].name)").inserted })
    }
}
