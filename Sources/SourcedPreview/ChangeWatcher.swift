import Foundation

/// Notices new, changed, deleted and renamed files below some folders: through inotify on
/// Linux, else by looking at sizes and modification times every `interval`. Saves by rename
/// (vim, VS Code) show up like any other change.
struct ChangeWatcher: Sendable {
    let folders: [String]

    /// Yields once per batch of changes, with the paths that changed when they are known.
    func changes(pollingEvery interval: Duration) -> AsyncStream<Set<String>?> {
        #if canImport(Glibc)
            if let watcher = InotifyWatcher(folders: folders) {
                let events = watcher.changes()
                return AsyncStream { continuation in
                    let task = Task {
                        for await paths in events { continuation.yield(paths) }
                        withExtendedLifetime(watcher) {}
                        continuation.finish()
                    }
                    continuation.onTermination = { _ in task.cancel() }
                }
            }
        #endif
        return changes(every: interval)
    }

    /// Path → (modification time, size) of every file below the folders.
    func state() -> [String: [Double]] {
        var result: [String: [Double]] = [:]
        let fm = FileManager.default
        for folder in folders {
            guard let enumerator = fm.enumerator(atPath: folder) else { continue }
            for case let relative as String in enumerator {
                let path = folder + "/" + relative
                guard let attributes = try? fm.attributesOfItem(atPath: path) else { continue }
                let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                let size = Double((attributes[.size] as? NSNumber)?.int64Value ?? 0)
                result[path] = [modified, size]
            }
        }
        return result
    }

    /// Yields once per batch of changes, looking every `interval`; which paths changed is
    /// left unsaid.
    func changes(every interval: Duration) -> AsyncStream<Set<String>?> {
        AsyncStream { continuation in
            let task = Task {
                var last = state()
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    let now = state()
                    if now != last {
                        last = now
                        continuation.yield(nil)
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
