import CByteCopy
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension LogFile {
    /// Pieces at least this long are checked; shorter ones cost little either way.
    static let kernelCopyCheckMinimum = 1024

    /// Whether the kernel's copy of `address` into the page cache at file `position` would be
    /// slow. It copies with `rep movsb`, which on AMD Zen (this machine's EPYC) runs at
    /// ~2.4 GB/s instead of 50–75 GB/s when the destination is 1 to 31 bytes past the source
    /// modulo 4096, and the destination is the page-cache page at the position's offset in it.
    /// Batches of one producer have nearly constant lengths and arrive in a reused buffer, so
    /// the distance barely moves from one append to the next: a run that starts in the slow
    /// band pays it on almost every write (1 KiB produce throughput varied 2.5× between runs).
    static func kernelCopyIsSlow(to position: Int64, from address: UnsafeRawPointer) -> Bool {
        let distance = (Int(truncatingIfNeeded: position) &- Int(bitPattern: address)) & 4095
        return (1...31).contains(distance)
    }

    /// The gather-write vectors for `pieces` written from `offset`. A piece the kernel would copy
    /// slowly is first copied (with vector moves, see `CByteCopy`) into a buffer placed at the
    /// same offset in its page as its file position; those buffers are added to `staged` for the
    /// caller to free after the write.
    func vectors(for pieces: [UnsafeRawBufferPointer], at offset: Int64,
                 staged: inout [UnsafeMutableRawPointer]) -> [iovec] {
        var vectors: [iovec] = []
        vectors.reserveCapacity(pieces.count)
        var position = offset
        for piece in pieces {
            guard let base = piece.baseAddress, piece.count > 0 else { continue }
            var source = UnsafeMutableRawPointer(mutating: base)
            if piece.count >= Self.kernelCopyCheckMinimum, Self.kernelCopyIsSlow(to: position, from: base) {
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: piece.count + 4096, alignment: 4096)
                staged.append(buffer)
                source = buffer + Int(position & 4095)
                tributary_copy_bytes(source, base, piece.count)
            }
            vectors.append(iovec(iov_base: source, iov_len: piece.count))
            position += Int64(piece.count)
        }
        return vectors
    }
}
