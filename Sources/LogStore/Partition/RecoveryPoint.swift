/// The `recovery-point` checkpoint: the offset below which the partition's data, indexes and
/// directory entries were fsync'd. Recovery after a crash re-validates only what follows.
enum RecoveryPoint {
    static let fileName = "recovery-point"

    /// Writes the checkpoint, fsync'd under a temporary name and renamed over the old one; the
    /// rename is left for the file system to make durable (an older checkpoint is safe).
    static func replace(_ offset: Int64, directory: String) throws(LogStoreError) {
        try CheckedInteger.replace(offset, at: directory + "/" + fileName)
    }

    /// The checkpointed offset, or 0 when the file is missing or corrupt (recover everything).
    static func read(directory: String) -> Int64 {
        CheckedInteger.read(from: directory + "/" + fileName) ?? 0
    }
}
