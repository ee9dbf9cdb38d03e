/// ApiVersions (18) v0–2: the request body is empty.
public struct ApiVersionsRequest: KafkaMessage {
    public init() {}
    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {}
}

public struct ApiVersionsResponse: KafkaMessage {
    public struct ApiVersion: KafkaMessage {
        public var apiKey: Int16 = 0
        public var minVersion: Int16 = 0
        public var maxVersion: Int16 = 0
        public init() {}
        public init(apiKey: Int16, minVersion: Int16, maxVersion: Int16) {
            self.apiKey = apiKey
            self.minVersion = minVersion
            self.maxVersion = maxVersion
        }
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int16(&apiKey)
            try coder.int16(&minVersion)
            try coder.int16(&maxVersion)
        }
    }

    public var errorCode: Int16 = 0
    public var apiKeys: [ApiVersion] = []
    public var throttleTimeMs: Int32 = 0
    public init() {}

    /// The full table of what this broker supports.
    public static func supported(errorCode: Int16 = 0) -> ApiVersionsResponse {
        var response = ApiVersionsResponse()
        response.errorCode = errorCode
        response.apiKeys = ApiKey.allCases.map {
            ApiVersion(apiKey: $0.rawValue, minVersion: $0.supportedVersions.lowerBound, maxVersion: $0.supportedVersions.upperBound)
        }
        return response
    }

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.int16(&errorCode)
        try coder.array(&apiKeys, version: version)
        if version >= 1 { try coder.int32(&throttleTimeMs) }
    }
}
