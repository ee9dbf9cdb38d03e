import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// IncrementalAlterConfigs (KIP-339): each key is set, deleted (back to its default),
    /// or, for a list-valued config, appended to or subtracted from; other overrides stay.
    /// The whole resource is validated before anything is written, so one bad key changes
    /// nothing.
    func handleIncrementalAlterConfigs(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(IncrementalAlterConfigsRequest.self)
        let repeated = Self.repeatedResources(request.resources.map { ($0.resourceType, $0.resourceName) })
        var response = IncrementalAlterConfigsResponse()
        response.results = request.resources.enumerated().map { index, resource in
            alterConfigsResult(type: resource.resourceType, name: resource.resourceName, namedAgain: repeated.contains(index),
                               keys: resource.configs.map(\.name)) { () throws(ConfigAlterationRefusal) in
                var changes: [ConfigChange] = []
                for config in resource.configs {
                    guard let operation = IncrementalAlterConfigsRequest.Operation(rawValue: config.operation) else {
                        throw .invalidRequest("unknown operation \(config.operation) for \(config.name)")
                    }
                    guard operation == .delete || config.value != nil else {
                        throw .invalidRequest("null value not supported for \(config.name)")
                    }
                    changes.append((config.name, operation, config.value))
                }
                let defaults = store.defaults.asStrings
                try alterTopicConfig(resource.resourceName, validateOnly: request.validateOnly) { (current) throws(LogStoreError) in
                    try Self.applying(changes, to: current, defaults: defaults)
                }
            }
        }
        countErrors(.incrementalAlterConfigs, response.results.map(\.errorCode))
        return respond(incoming, response)
    }

    typealias ConfigChange = (name: String, operation: IncrementalAlterConfigsRequest.Operation, value: String?)

    /// `current` overrides with `changes` made in order; APPEND and SUBTRACT start from the
    /// default when the key has no override.
    static func applying(_ changes: [ConfigChange], to current: [String: String],
                         defaults: [String: String]) throws(LogStoreError) -> [String: String] {
        var overrides = current
        for change in changes {
            switch change.operation {
            case .set: overrides[change.name] = change.value
            case .delete: overrides[change.name] = nil
            case .append, .subtract:
                guard listValuedTopicConfigs.contains(change.name) else {
                    throw defaults[change.name] == nil
                        ? .invalidConfig("unknown topic config '\(change.name)'")
                        : .invalidConfig("\(change.name) is not a list: APPEND and SUBTRACT apply to cleanup.policy only")
                }
                let old = listItems(overrides[change.name] ?? defaults[change.name] ?? "")
                let given = listItems(change.value ?? "")
                let new = change.operation == .append ? old + given.filter { !old.contains($0) } : old.filter { !given.contains($0) }
                overrides[change.name] = new.joined(separator: ",")
            }
        }
        return overrides
    }

    /// The topic configs whose values are comma-separated lists (Kafka's `ConfigDef.Type.LIST`).
    static let listValuedTopicConfigs: Set<String> = ["cleanup.policy"]

    static func listItems(_ value: String) -> [String] {
        value.split(separator: ",").map { item in
            String(item.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }.filter { !$0.isEmpty }
    }
}
