import Foundation
import SourcedCore

/// What a build needs to keep the files an earlier build left (made from the caches; see
/// `OutputManifest`).
struct RenderReuse: Sendable {
    var program: String
    /// The files the build with this id (see `OutputWriter.buildID`) left, as it recorded them.
    var earlier: @Sendable (_ build: String?) -> [String: KeptFile]
}

/// Writes every file of a site, side by side, each as soon as it is made, keeping those the
/// spare already holds as this build would make them.
enum SiteWriter {
    /// How many files the output holds, how many of those were kept as the spare held them,
    /// and how many of the kept ones are topic pages.
    struct Written {
        var files = 0
        var kept = 0
        var keptTopics = 0
        /// False when the file system could not swap the new site in atomically.
        var swappedAtomically = true
        /// What each file written or kept was made from, and which builds wrote this folder and
        /// the one it replaced (now the spare), for the orchestrator to record.
        var records: [String: KeptFile] = [:]
        var build: String?
        var replacedBuild: String?
    }

    /// With `reuse`, a file whose copy in the reused spare was made from the same inputs (a
    /// topic page, the home page, the dashboard, the reference index page, `references.json`)
    /// is kept as it is, not made again.
    static func write(
        _ site: Site, diagnostics: [Diagnostic], templates: TemplateSet, contentDirectory: String,
        into output: String, reuse: RenderReuse? = nil
    ) async throws -> Written {
        let outputs = try SiteOutputs(
            site: site, diagnostics: diagnostics, templates: templates, contentDirectory: contentDirectory,
            includeUnpublished: false)
        let staged = try OutputWriter.Staged(directory: output, paths: outputs.paths)
        let keeper = OutputKeeper(staged: staged, earlier: reuse?.earlier(staged.reusedBuild) ?? [:])
        let common = reuse.map {
            PageViews.commonKey(program: $0.program, templates: templates, settings: site.settings, today: site.today)
        }
        do {
            // The site-wide files (the reference index, the home page, the feeds), each a task of
            // its own, go first, the slowest first: each takes far longer than a topic page, and
            // after an edit, when most topic pages are kept, they are most of the work.
            let siteWide = outputs.paths.dropFirst(outputs.topics.count)
            let lanes = max(1, ProcessInfo.processInfo.activeProcessorCount) * 2 - 1
            let files = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    staged.removeLeftovers()
                    return 0
                }
                for path in siteWide {
                    group.addTask {
                        guard let planned = outputs.plan(path) else {
                            return try keeper.write(path, key: nil) { try outputs.file(path) }
                        }
                        return try keeper.write(path, planned, common: common)
                    }
                }
                var next = 0
                var files = 0
                func start() {
                    let (page, variant) = outputs.topics[next]
                    let path = outputs.paths[next]
                    group.addTask {
                        let planned = outputs.topic(page, variant: variant)
                        return try keeper.write(path, planned, common: common, topic: page.result.relativePath)
                    }
                    next += 1
                }
                while next < min(lanes, outputs.topics.count) { start() }
                while let count = try await group.next() {
                    files += count
                    if next < outputs.topics.count { start() }
                }
                return files
            }
            let finished = try staged.finish(leftoversRemoved: true)
            let (records, kept, keptFiles) = keeper.result
            // A page is kept when every variant of it is.
            let keptTopics = outputs.published.count { keptFiles[$0.result.relativePath] == $0.variants.count }
            return Written(
                files: files, kept: kept, keptTopics: keptTopics, swappedAtomically: finished.atomic, records: records,
                build: finished.build, replacedBuild: staged.replacedBuild)
        } catch {
            staged.discard()
            throw error
        }
    }
}
