/// The `log-start-offset` checkpoint: the offset DeleteRecords moved the log start to, which
/// can lie inside the first segment. Absent until the first DeleteRecords.
enum LogStartCheckpoint {
    static let fileName = "log-start-offset"

    /// Writes the offset durably (fsync, rename, directory fsync) before DeleteRecords answers.
    static func write(_ offset: Int64, directory: String) throws(LogStoreError) {
        try CheckedInteger.write(offset, to: directory + "/" + fileName)
    }

    /// The checkpointed offset, or 0 when there is none. A torn or corrupt file reads as 0,
    /// which can only bring deleted records back, never lose kept ones.
    static func read(directory: String) -> Int64 {
        CheckedInteger.read(from: directory + "/" + fileName) ?? 0
    }
}
