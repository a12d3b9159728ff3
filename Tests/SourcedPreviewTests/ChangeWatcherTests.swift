import Foundation
import Testing

@testable import SourcedPreview

/// The watcher names what changed, so a rebuild reads only those files; when it cannot tell
/// (a folder came or went), it says so and the rebuild lists everything.
@Suite struct ChangeWatcherTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sourced-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("topics"), withIntermediateDirectories: true)
    }

    /// The next batch, or a failure after five seconds.
    func next(_ iterator: inout AsyncStream<Set<String>?>.Iterator) async throws -> Set<String>?? {
        let deadline = Task {
            try await Task.sleep(for: .seconds(5))
            Issue.record("no batch within five seconds")
        }
        defer { deadline.cancel() }
        return await iterator.next()
    }

    @Test func batchesNameTheChangedFilesAndSayWhenTheyCannot() async throws {
        let watcher = ChangeWatcher(folders: [folder.path])
        var batches = watcher.changes(pollingEvery: .milliseconds(50)).makeAsyncIterator()
        try await Task.sleep(for: .milliseconds(50))

        // A save by rename, as vim does it: the swap file is never named, the page is.
        let page = folder.appendingPathComponent("topics/a.md")
        let swap = folder.appendingPathComponent("topics/.a.md.swp")
        try Data("one".utf8).write(to: swap)
        try FileManager.default.moveItem(at: swap, to: page)
        let first = try await next(&batches)
        #expect(first == .some(Set([page.path])))

        // A backup file alone triggers nothing, but is named with the next real change.
        let backup = folder.appendingPathComponent("topics/a.md~")
        try Data("old".utf8).write(to: backup)
        try Data("two".utf8).write(to: page)
        let second = try await next(&batches)
        #expect(second == .some(Set([page.path, backup.path])))

        // A write can end in a batch of its own (its close); then the new folder is unknown.
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("topics/new"), withIntermediateDirectories: true)
        var sawUnknown = false
        while !sawUnknown, let batch = try await next(&batches) {
            if let paths = batch {
                #expect(paths == [page.path])
            } else {
                sawUnknown = true
            }
        }
        #expect(sawUnknown)
    }
}
