import Foundation
import Testing
@testable import LogStore

@Suite struct ClusterIdentityTests {
    @Test func aNewDirectoryGetsAnIdThatLaterLoadsReturn() throws {
        let dir = TemporaryDirectory()
        let id = try ClusterIdentity.load(directory: dir.path)
        #expect(id.count == 22)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(id.allSatisfy(alphabet.contains))
        #expect(try ClusterIdentity.load(directory: dir.path) == id)
        #expect(try String(contentsOfFile: dir.path + "/cluster.id", encoding: .utf8) == id)
    }

    @Test func aStoredIdIsReadWithoutSurroundingWhitespace() throws {
        let dir = TemporaryDirectory()
        try " MkU3OEZBRjM0NTk0MDQyMw\n".write(toFile: dir.path + "/cluster.id", atomically: true, encoding: .utf8)
        #expect(try ClusterIdentity.load(directory: dir.path) == "MkU3OEZBRjM0NTk0MDQyMw")
    }

    @Test func aBlankFileIsReplacedByANewId() throws {
        let dir = TemporaryDirectory()
        try " \n".write(toFile: dir.path + "/cluster.id", atomically: true, encoding: .utf8)
        let id = try ClusterIdentity.load(directory: dir.path)
        #expect(id.count == 22)
        #expect(try String(contentsOfFile: dir.path + "/cluster.id", encoding: .utf8) == id)
    }

    /// A cluster id that exists but cannot be read stops the start instead of being replaced.
    @Test func anUnreadableIdIsAnErrorAndIsLeftAlone() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path + "/cluster.id", withIntermediateDirectories: false)
        #expect {
            try ClusterIdentity.load(directory: dir.path)
        } throws: { error in
            guard case let LogStoreError.io(operation, path, _) = error else { return false }
            return operation == "open" && path.hasSuffix("/cluster.id")
        }
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: dir.path + "/cluster.id", isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    /// The same encoding as Kafka's `Uuid.toString()`: Base64 URL-safe, without padding.
    @Test func idsAreUnpaddedURLSafeBase64OfAVersion4UUID() {
        #expect(ClusterIdentity.base64URL([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(ClusterIdentity.base64URL(Array("Kafka".utf8)) == Data("Kafka".utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: ""))
        var generator = SeededGenerator(seed: 7)
        let ids = (0..<100).map { _ in ClusterIdentity.make(using: &generator) }
        #expect(Set(ids).count == 100)
        for id in ids {
            let bytes = base64URLDecoded(id)
            #expect(bytes.count == 16 && bytes[6] >> 4 == 4 && bytes[8] >> 6 == 0b10)
        }
    }

    private func base64URLDecoded(_ text: String) -> [UInt8] {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init) ?? []
    }
}
