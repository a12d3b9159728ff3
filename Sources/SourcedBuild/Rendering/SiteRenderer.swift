import Foundation
import SourcedCore
import Synchronization

/// Every file of the built site (SPEC §7), each of which can be rendered on its own: `build`
/// renders them all, the preview only those a browser asks for.
struct SiteOutputs: Sendable {
    let site: Site
    let diagnostics: [Diagnostic]
    let templates: TemplateSet
    let published: [SitePage]
    let views: PageViews
    /// Output path of each topic page → its index in `published`.
    private let topicIndex: [String: Int]
    /// Output path → source path of files copied as-is (theme assets, attachments).
    private let copies: [String: String]
    /// Every output path: topics first, then the indexes and feeds, then copies.
    let paths: [String]

    init(
        site: Site, diagnostics: [Diagnostic], templates: TemplateSet, contentDirectory: String,
        includeUnpublished: Bool
    ) throws {
        self.site = site
        self.diagnostics = diagnostics
        self.templates = templates
        published = includeUnpublished ? site.pages : site.pages.filter(\.isPublished)
        views = PageViews(site: site)
        var topicIndex: [String: Int] = [:]
        for (i, page) in published.enumerated() { topicIndex[page.path + "index.html"] = i }
        self.topicIndex = topicIndex
        var generated = published.map { $0.path + "index.html" } + ["index.html", "references/index.html"]
        if site.settings.reviewDashboard { generated.append("review/index.html") }
        generated += ["sitemap.xml", "feed.xml", "search-index.json", "references.json"]
        var copies: [String: String] = [:]
        var copied: [String] = []
        if let assets = templates.assetsDirectory {
            for relative in try ContentLoader.listFiles(assets) {
                copies["assets/" + relative] = "\(assets)/\(relative)"
                copied.append("assets/" + relative)
            }
        }
        // A generated file wins over an attachment of the same path.
        let taken = Set(generated + copied)
        for attachment in site.attachments.sorted() where !taken.contains(attachment) {
            copies[attachment] = "\(contentDirectory)/\(attachment)"
            copied.append(attachment)
        }
        self.copies = copies
        paths = generated + copied
    }

    /// The file at `path`, or nil when the site has none there.
    func file(_ path: String) throws -> OutputFile? {
        if let index = topicIndex[path] { return topic(published[index]) }
        if let source = copies[path] { return OutputFile(path, copyOf: source) }
        let settings = site.settings
        switch path {
        case "index.html":
            return OutputFile(
                path,
                templates.page(
                    "home", views.home(published),
                    layout: views.layout(title: settings.title, description: nil, path: "", section: "home")))
        case "references/index.html":
            let (context, count, entry) = views.referenceIndex(published)
            return OutputFile(
                path,
                pieces: templates.page(
                    "references", context,
                    layout: views.layout(
                        title: "References", description: nil, path: "references/", section: "references"),
                    bulk: ("entries", count, entry)))
        case "review/index.html" where settings.reviewDashboard:
            return OutputFile(
                path,
                templates.page(
                    "review", views.dashboard(diagnostics: diagnostics),
                    layout: views.layout(
                        title: "Review dashboard", description: nil, path: "review/", section: "review")))
        case "sitemap.xml": return OutputFile(path, feeds.sitemap())
        case "feed.xml": return OutputFile(path, feeds.atom())
        case "search-index.json": return OutputFile(path, bytes: feeds.searchIndex())
        case "references.json": return OutputFile(path, bytes: feeds.cslJSON())
        default: return nil
        }
    }

    private var feeds: Feeds { Feeds(site: site, published: published) }

    /// What the site-wide file at `path` is made from besides `common`, hashed, for the files
    /// worth keeping (see `SiteRenderer.Keeper`); nil for the others, which are always made.
    func key(of path: String, common: String) -> String? {
        switch path {
        case "index.html": views.homeKey(published, common: common)
        case "review/index.html": views.dashboardKey(diagnostics: diagnostics, common: common)
        case "references/index.html": views.referenceIndexKey(published, common: common)
        case "references.json": views.referencesJSONKey(common: common)
        default: nil
        }
    }

    func topic(_ page: SitePage) -> OutputFile {
        let layout = views.layout(
            title: page.metadata.title, description: page.metadata.summary, path: page.path, section: "topic")
        return OutputFile(
            page.path + "index.html", templates.page("topic", views.topic(page), layout: layout, repeated: true))
    }
}

/// What a build needs to keep the files an earlier build left (the orchestrator makes it from
/// the caches; see `OutputManifest`).
struct RenderReuse: Sendable {
    var program: String
    /// Each page's SHA-256, by content-relative path.
    var sources: [String: String]
    /// The files the build with this id (see `OutputWriter.buildID`) left, as it recorded them.
    var earlier: @Sendable (_ build: String?) -> [String: KeptFile]
}

/// Renders every file of a site, side by side, handing each to `write` as soon as it is made.
enum SiteRenderer {
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
    static func render(
        _ site: Site, diagnostics: [Diagnostic], templates: TemplateSet, contentDirectory: String,
        into output: String, reuse: RenderReuse? = nil
    ) async throws -> Written {
        let outputs = try SiteOutputs(
            site: site, diagnostics: diagnostics, templates: templates, contentDirectory: contentDirectory,
            includeUnpublished: false)
        let staged = try OutputWriter.Staged(directory: output, paths: outputs.paths)
        let keeper = Keeper(staged: staged, earlier: reuse?.earlier(staged.reusedBuild) ?? [:])
        let common = reuse.map {
            PageViews.commonKey(
                program: $0.program, templates: templates, settings: site.settings, today: site.today,
                disclaimerHTML: outputs.views.disclaimerHTML)
        }
        do {
            // The site-wide files (the reference index, the home page, the feeds), each a task of
            // its own, go first, the slowest first: each takes far longer than a topic page, and
            // after an edit, when most topic pages are kept, they are most of the work.
            func rank(_ path: String) -> Int { Self.slowest.firstIndex(of: path) ?? Self.slowest.count }
            let siteWide = outputs.paths.dropFirst(outputs.published.count).sorted { rank($0) < rank($1) }
            let lanes = max(1, ProcessInfo.processInfo.activeProcessorCount) * 2 - 1
            let files = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    staged.removeLeftovers()
                    return 0
                }
                for path in siteWide {
                    group.addTask {
                        try keeper.write(path, key: common.flatMap { outputs.key(of: path, common: $0) }) {
                            try outputs.file(path)
                        }
                    }
                }
                var next = 0
                var files = 0
                func start() {
                    let page = outputs.published[next]
                    let path = outputs.paths[next]
                    group.addTask {
                        var key: String?
                        if let common, let source = reuse?.sources[page.result.relativePath] {
                            key = outputs.views.topicKey(page, source: source, common: common)
                        }
                        return try keeper.write(path, key: key, isTopic: true) { outputs.topic(page) }
                    }
                    next += 1
                }
                while next < min(lanes, outputs.published.count) { start() }
                while let count = try await group.next() {
                    files += count
                    if next < outputs.published.count { start() }
                }
                return files
            }
            let finished = try staged.finish(leftoversRemoved: true)
            let (records, kept, keptTopics) = keeper.result
            return Written(
                files: files, kept: kept, keptTopics: keptTopics, swappedAtomically: finished.atomic, records: records,
                build: finished.build, replacedBuild: staged.replacedBuild)
        } catch {
            staged.discard()
            throw error
        }
    }

    /// The order the site-wide files start in: the slowest first (10,000 pages: 0.3-0.5 s of
    /// CPU each; the feeds and the search index well under 0.1 s), and of those, the two that
    /// do not wait for the reference index (a build makes it while the checks run) before the
    /// two that do.
    static let slowest = ["review/index.html", "index.html", "references/index.html", "references.json"]

    /// Writes files, or keeps those the reused spare already holds as this build would write
    /// them, noting what each was made from.
    private final class Keeper: Sendable {
        let staged: OutputWriter.Staged
        /// The spare's files, as the build that wrote them left them.
        let earlier: [String: KeptFile]
        private let state = Mutex<(records: [String: KeptFile], kept: Int, keptTopics: Int)>(([:], 0, 0))

        init(staged: OutputWriter.Staged, earlier: [String: KeptFile]) {
            self.staged = staged
            self.earlier = earlier
        }

        /// What each file written or kept was made from, how many were kept, and how many of
        /// those were topic pages.
        var result: (records: [String: KeptFile], kept: Int, keptTopics: Int) {
            state.withLock { $0 }
        }

        /// Keeps the file at `path` if the spare holds it as made from `key`; else writes what
        /// `make` makes. Returns how many files the output gained (0 when `make` makes none).
        func write(_ path: String, key: String?, isTopic: Bool = false, _ make: () throws -> OutputFile?) throws
            -> Int
        {
            if let key, let kept = earlier[path], kept.key == key, staged.stamp(path) == kept.stamp {
                state.withLock {
                    $0.records[path] = kept
                    $0.kept += 1
                    if isTopic { $0.keptTopics += 1 }
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
}
