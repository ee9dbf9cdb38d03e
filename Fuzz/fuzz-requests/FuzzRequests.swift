// Fuzz target: any bytes, decoded as a request frame of every API at every supported
// version, must throw or decode — never crash, trap or allocate without bound.
//
// Built with `-sanitize=fuzzer -DFUZZING` by `make fuzz`; built normally it replays corpus
// files given on the command line (the regression run in `make test`).
import FuzzSupport
import KafkaProtocol
import NIOCore

func fuzzRequest(_ bytes: UnsafeRawBufferPointer) {
    var frame = ByteBuffer(bytes: bytes)
    _ = RequestHeader.peek(frame)
    guard let header = try? RequestHeader.decode(from: &frame) else { return }
    if let api = ApiKey(rawValue: header.apiKey), api.supportedVersions.contains(header.apiVersion) {
        var body = frame
        if let message = try? api.requestType.decode(from: &body, version: header.apiVersion) {
            // Whatever decodes must encode again without trouble.
            var out = ByteBuffer()
            message.encode(into: &out, version: header.apiVersion)
        }
    }
    // And the body as every other request type, at its lowest and highest version.
    for api in ApiKey.allCases {
        for version in [api.supportedVersions.lowerBound, api.supportedVersions.upperBound] {
            var body = frame
            _ = try? api.requestType.decode(from: &body, version: version)
        }
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzRequest(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
struct ReplayRequests {
    static func main() throws {
        try replayCorpus(CommandLine.arguments.dropFirst()) { fuzzRequest($0) }
    }
}
#endif
