import Foundation
import SourcedCore

/// What the Retraction Watch data gave the last run, kept in the cache folder: a run whose
/// data file and cited sources are those of the last one reads this small file instead of
/// the 60 MB data set (finding its records took a cached `check` of 10,000 pages 0.13 s).
///
/// It holds the program, the data file's path and identity (`lstat`), a digest of the sources
/// looked up, and the statuses and diagnostics they gave. Anything else in the file
/// (another program, a file changed since, a truncated write) and it is not used.
struct RetractionMemo {
    let file: String
    let program: String

    static let fileName = "retractions.bin"
    private static let format = "sourced retractions 1"

    /// The kept statuses for the data file at `path` with `identity`, looked up for `wanted`.
    func load(path: String, identity: ContentLoader.FileIdentity, cited: String) -> (
        RetractionWatch.Statuses, [Diagnostic]
    )? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        var wire = WireReader(Array(data))
        do {
            guard try wire.read() as String == Self.format, try wire.read() as String == program,
                try wire.read() as String == Self.key(path, identity, cited)
            else { return nil }
            var statuses = RetractionWatch.Statuses()
            statuses.byDOI = try Self.readTable(&wire)
            statuses.byPMID = try Self.readTable(&wire)
            let diagnostics: [Diagnostic] = try wire.read()
            return (statuses, diagnostics)
        } catch {
            return nil
        }
    }

    /// Keeps what the data file gave; a memo that cannot be written costs the next run time only.
    func save(
        path: String, identity: ContentLoader.FileIdentity, cited: String,
        _ read: (RetractionWatch.Statuses, [Diagnostic])
    ) {
        var wire = WireWriter()
        wire.write(Self.format)
        wire.write(program)
        wire.write(Self.key(path, identity, cited))
        for table in [read.0.byDOI, read.0.byPMID] {
            wire.write(table.count)
            for id in table.keys.sorted() {
                wire.write(id)
                wire.write(table[id]!)
            }
        }
        wire.write(read.1)
        try? AtomicFile.replace(file, bytes: wire.bytes)
    }

    private static func readTable(_ wire: inout WireReader) throws(WireError) -> [String: SourceStatus] {
        let count: Int = try wire.read()
        var table: [String: SourceStatus] = [:]
        for _ in 0..<max(0, count) {
            let id: String = try wire.read()
            table[id] = try wire.read() as SourceStatus
        }
        return table
    }

    /// The data file's path and identity and the sources looked up (their
    /// `RetractionWatch.digest`), as one string.
    private static func key(_ path: String, _ identity: ContentLoader.FileIdentity, _ cited: String) -> String {
        "\(path)\n\(identity.device):\(identity.inode):\(identity.size):\(identity.modified).\(identity.modifiedNanoseconds):\(identity.changed).\(identity.changedNanoseconds)\n\(cited)"
    }
}

extension RetractionMemo {
    /// The memo of `store`'s cache folder.
    init(store: ResultStore) {
        let (directory, program) = store.reuseInputs()
        self.init(file: (directory as NSString).appendingPathComponent(Self.fileName), program: program)
    }
}
