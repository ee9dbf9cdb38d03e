import Foundation

/// Runs `body` on every file in the given files or directories; prints how many.
public func replayCorpus(_ paths: ArraySlice<String>, _ body: (UnsafeRawBufferPointer) -> Void) throws {
    var count = 0
    for path in paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
        let files = isDirectory.boolValue
            ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
            : [path]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            data.withUnsafeBytes { body($0) }
            count += 1
        }
    }
    print("replayed \(count) input(s) without a crash")
}
