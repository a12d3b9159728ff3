import Synchronization

/// Writes files, or keeps those the reused spare already holds as this build would write
/// them, noting what each was made from.
final class OutputKeeper: Sendable {
    let staged: OutputWriter.Staged
    /// The spare's files, as the build that wrote them left them.
    let earlier: [String: KeptFile]
    private let state = Mutex<(records: [String: KeptFile], kept: Int, keptTopics: [String: Int])>(([:], 0, [:]))

    init(staged: OutputWriter.Staged, earlier: [String: KeptFile]) {
        self.staged = staged
        self.earlier = earlier
    }

    /// What each file written or kept was made from, how many were kept, and how many of
    /// those were the files of each topic page (one per audience variant), by the page's path.
    var result: (records: [String: KeptFile], kept: Int, keptTopics: [String: Int]) {
        state.withLock { $0 }
    }

    /// Keeps the file at `path` if the spare holds it as made from the same views (with
    /// `common`, the key of what every file is made from); else makes it. `topic` is the
    /// content path of the page a topic file is a variant of.
    func write(_ path: String, _ planned: PlannedFile, common: String?, topic: String? = nil) throws -> Int {
        let key = planned.views.isEmpty ? nil : common.flatMap { ViewKey.of(path, planned.views, common: $0) }
        return try write(path, key: key, topic: topic, planned.make)
    }

    /// Keeps the file at `path` if the spare holds it as made from `key`; else writes what
    /// `make` makes. Returns how many files the output gained (0 when `make` makes none).
    func write(_ path: String, key: String?, topic: String? = nil, _ make: () throws -> OutputFile?) throws
        -> Int
    {
        if let key, let kept = earlier[path], kept.key == key, staged.stamp(path) == kept.stamp {
            state.withLock {
                $0.records[path] = kept
                $0.kept += 1
                if let topic { $0.keptTopics[topic, default: 0] += 1 }
            }
            return 1
        }
        guard let file = try make() else { return 0 }
        let stamp = try staged.write(file)
        if let key, let stamp {
            state.withLock { $0.records[path] = KeptFile(key: key, stamp: stamp) }
        }
        return 1
    }
}
