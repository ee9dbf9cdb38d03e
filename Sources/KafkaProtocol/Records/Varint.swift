/// Zig-zag variable-length integers, as used inside Kafka records.
public enum Varint {
    /// Appends `value` zig-zag encoded.
    public static func append(_ value: Int64, to bytes: inout [UInt8]) {
        var v = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Reads a zig-zag varint at `index`, advancing it; nil if truncated or longer than 10 bytes.
    public static func read(_ bytes: UnsafeRawBufferPointer, at index: inout Int) -> Int64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 70 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                return Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1)
            }
            shift += 7
        }
        return nil
    }
}
