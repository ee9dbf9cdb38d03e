#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The cluster id Metadata reports: made once per data directory and kept in its
/// `cluster.id` file (Kafka keeps it in the log directory's `meta.properties`).
///
/// Plain POSIX and stdlib on purpose: Foundation's string search would wake CoreFoundation
/// and ICU at start, a megabyte or two of an idle broker's memory.
public enum ClusterIdentity {
    /// The directory's cluster id; a new one is made, and written durably, when the file
    /// is missing or holds only whitespace.
    public static func load(directory: String) throws(LogStoreError) -> String {
        let path = directory + "/cluster.id"
        if let stored = try read(path), !stored.isEmpty { return stored }
        var generator = SystemRandomNumberGenerator()
        let id = make(using: &generator)
        try AtomicFile.write(Array(id.utf8), to: path)
        return id
    }

    /// A random (version 4) UUID in Kafka's form: 22 characters of unpadded URL-safe base64.
    static func make(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<2).flatMap { _ in withUnsafeBytes(of: generator.next().bigEndian, Array.init) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return base64URL(bytes)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var output: [UInt8] = []
        var bits: UInt32 = 0
        var count = 0
        for byte in bytes {
            bits = bits << 8 | UInt32(byte)
            count += 8
            while count >= 6 {
                count -= 6
                output.append(alphabet[Int(bits >> UInt32(count) & 0x3F)])
            }
        }
        if count > 0 { output.append(alphabet[Int(bits << UInt32(6 - count) & 0x3F)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The file's contents without surrounding whitespace, or nil when it does not exist.
    private static func read(_ path: String) throws(LogStoreError) -> String? {
        let file: LogFile
        do throws(LogStoreError) {
            file = try LogFile(path: path, create: false)
        } catch {
            if case .io(_, _, ENOENT) = error { return nil }
            throw error
        }
        let bytes = try file.read(count: Int(min(try file.size(), 4096)), at: 0)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
