import Foundation
import SourcedCore

/// One file of the built site.
struct OutputFile: Sendable {
    enum Content: Sendable {
        /// Rendered text, written as its UTF-8 without another copy.
        case text(String)
        /// Rendered text in pieces, made and written one after another.
        case pieces(PieceStream)
        case bytes([UInt8])
        /// Copied as-is from this path.
        case copy(String)
    }

    /// Path inside the output folder.
    var path: String
    var content: Content

    init(_ path: String, _ text: String) {
        self.path = path
        content = .text(text)
    }

    init(_ path: String, pieces: PieceStream) {
        self.path = path
        content = .pieces(pieces)
    }

    init(_ path: String, bytes: [UInt8]) {
        self.path = path
        content = .bytes(bytes)
    }

    init(_ path: String, copyOf source: String) {
        self.path = path
        content = .copy(source)
    }
}

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

    func topic(_ page: SitePage) -> OutputFile {
        let layout = views.layout(
            title: page.metadata.title, description: page.metadata.summary, path: page.path, section: "topic")
        return OutputFile(
            page.path + "index.html", templates.page("topic", views.topic(page), layout: layout, repeated: true))
    }
}

/// Renders every file of a site, side by side, handing each to `write` as soon as it is made.
enum SiteRenderer {
    /// Returns how many files were written.
    static func render(
        _ site: Site, diagnostics: [Diagnostic], templates: TemplateSet, contentDirectory: String,
        into output: String
    ) async throws -> Int {
        let outputs = try SiteOutputs(
            site: site, diagnostics: diagnostics, templates: templates, contentDirectory: contentDirectory,
            includeUnpublished: false)
        let staged = try OutputWriter.Staged(directory: output, paths: outputs.paths)
        do {
            // The site-wide files (the reference index, the home page, the feeds: some of them
            // tens of MB) are made one after another in a lane of their own, beside the topic
            // pages: side by side with each other they raised the peak memory by about 80 MB.
            let topics = Array(outputs.paths.prefix(outputs.published.count))
            let siteWide = Array(outputs.paths.dropFirst(outputs.published.count))
            let lanes = max(1, ProcessInfo.processInfo.activeProcessorCount) * 2 - 1
            let written = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    var written = 0
                    for path in siteWide {
                        guard let file = try outputs.file(path) else { continue }
                        try staged.write(file)
                        written += 1
                    }
                    return written
                }
                var next = 0
                var written = 0
                func start() {
                    let path = topics[next]
                    group.addTask {
                        guard let file = try outputs.file(path) else { return 0 }
                        try staged.write(file)
                        return 1
                    }
                    next += 1
                }
                while next < min(lanes, topics.count) { start() }
                while let count = try await group.next() {
                    written += count
                    if next < topics.count { start() }
                }
                return written
            }
            try staged.finish()
            return written
        } catch {
            staged.discard()
            throw error
        }
    }
}
