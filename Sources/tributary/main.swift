// Placeholder until this executable's issue lands; see ../shared/SPEC.md for its contract.
import Foundation

FileHandle.standardError.write(Data("usage: tributary — not implemented yet (see docs/architecture.md)\n".utf8))
exit(64)
