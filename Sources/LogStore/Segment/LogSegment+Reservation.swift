import CFileSpace

extension LogSegment {
    /// Smallest and largest step by which `reserveSpace` reserves ahead of the log's end.
    static let reservationSteps: ClosedRange<Int64> = (64 << 10)...(16 << 20)
    /// Reservations end on multiples of this, so appends of equal size do not keep using up
    /// a reservation exactly and asking again on the next append.
    static let reservationAlignment: Int64 = 64 << 10

    /// Reserves disk blocks for an append of `count` bytes, and more ahead of it, without
    /// changing the file's size. A buffered append into unreserved space makes ext4 reserve
    /// and account blocks for every page it dirties (delayed allocation); into reserved space
    /// the pages are only copied. On this machine that took about 30 % of the kernel's time
    /// for a stream of ~1 MB appends (`make bench` has the end-to-end numbers).
    ///
    /// The step grows with the segment (its current size, 64 KiB to 16 MiB, never past
    /// `limit`, the segment size at which it rolls), so a quiet partition holds little
    /// unused space (1,000 partitions with one small batch each: 64 MB).
    /// `releaseReservedSpace` returns what is left when the segment stops taking appends.
    /// Reserving is only an optimisation: where the file system refuses, the segment stops
    /// asking and appends go on as before (a full disk then fails the write itself, as it
    /// would have).
    func reserveSpace(for count: Int, limit: Int64) {
        let end = size + Int64(count)
        guard canReserve, end > reservedEnd else { return }
        let step = min(max(size, Self.reservationSteps.lowerBound), Self.reservationSteps.upperBound)
        let aligned = (end + step + Self.reservationAlignment - 1) / Self.reservationAlignment * Self.reservationAlignment
        let target = max(end, min(aligned, limit))
        let from = max(reservedEnd, size)
        guard tributary_preallocate(log.descriptor, from, target - from) == 0 else {
            canReserve = false
            return
        }
        reservedEnd = target
    }

    /// Frees the blocks reserved past the end of the log (ext4 frees them on a truncate to
    /// the current size). Called when the segment rolls and when its partition
    /// closes; a crash leaves them allocated until then, which costs space, never data.
    func releaseReservedSpace() {
        guard reservedEnd > size else { return }
        // A failure only leaves the space allocated: nothing to report to an appender.
        try? cutLog(to: size)
    }

    /// Cuts the log file to `position` bytes. A truncate also frees every block reserved
    /// past the new end, so the segment cuts its file only here.
    func cutLog(to position: Int64) throws(LogStoreError) {
        try log.truncate(to: position)
        reservedEnd = position
    }
}
