import Foundation
import SourcedCore
import Synchronization

/// A file as a build plans it: the views it is made from, and how it is made from them.
struct PlannedFile {
    /// Empty for a file that is always made (a feed): only files made from views are kept.
    var views: [any TemplateView]
    var make: () throws -> OutputFile
}

/// One site-wide file (SPEC §7): where it goes and how it is planned. Adding an output file is
/// adding a row to `SiteOutputs.siteWide`.
struct SiteWideFile: Sendable {
    var path: String
    /// Only when `site.yaml` turns the review dashboard on.
    var dashboardOnly = false
    var plan: @Sendable (SiteOutputs) -> PlannedFile
}

/// Every file of the built site (SPEC §7), each of which can be rendered on its own: `build`
/// renders them all, the preview only those a browser asks for.
struct SiteOutputs: Sendable {
    let site: Site
    let diagnostics: [Diagnostic]
    let templates: TemplateSet
    let published: [SitePage]
    let views: PageViews
    /// Each topic file: a published page and which of its variants, in `paths` order.
    let topics: [(page: SitePage, variant: Int)]
    /// Output path of each topic file → its index in `topics`.
    private let topicIndex: [String: Int]
    /// Output path → source path of files copied as-is (theme assets, attachments).
    private let copies: [String: String]
    /// Output path → its row of `siteWide`.
    private let siteWideIndex: [String: Int]
    /// Every output path: topics first, then the site-wide files in `siteWide` order, then copies.
    let paths: [String]

    /// The site-wide files, in the order a build starts them: first those that do not wait for
    /// the reference index, which a build makes on another thread while the checks run (the
    /// review dashboard and the home page, 0.3-0.5 s of CPU each at 10,000 pages, then the
    /// feeds and the search index, well under 0.1 s), so that they fill the time a core would
    /// otherwise spend waiting for it; then the two that need it. After one edit, the topic
    /// pages wait for it too.
    static let siteWide: [SiteWideFile] = [
        SiteWideFile(path: "review/index.html", dashboardOnly: true) { outputs in
            outputs.page(
                "review", outputs.views.dashboard(diagnostics: outputs.diagnostics), at: "review/index.html",
                title: "Review dashboard", section: "review")
        },
        SiteWideFile(path: "review/pages.json", dashboardOnly: true) { outputs in
            PlannedFile(views: []) {
                OutputFile("review/pages.json", bytes: outputs.feeds.reviewPages(diagnostics: outputs.diagnostics))
            }
        },
        SiteWideFile(path: "index.html") { outputs in
            outputs.page(
                "home", outputs.views.home(outputs.published), at: "index.html", title: outputs.site.settings.title,
                section: "home")
        },
        SiteWideFile(path: "sitemap.xml") { outputs in
            PlannedFile(views: []) { OutputFile("sitemap.xml", outputs.feeds.sitemap()) }
        },
        SiteWideFile(path: "feed.xml") { outputs in
            PlannedFile(views: []) { OutputFile("feed.xml", outputs.feeds.atom()) }
        },
        SiteWideFile(path: "search-index.json") { outputs in
            PlannedFile(views: []) { OutputFile("search-index.json", bytes: outputs.feeds.searchIndex()) }
        },
        SiteWideFile(path: "references/index.html") { outputs in
            let view = outputs.views.referenceIndex(outputs.published)
            let layout = outputs.views.layout(
                title: "References", description: nil, path: "references/", section: "references")
            return PlannedFile(views: [layout, view]) { [entries = view.entries] in
                OutputFile(
                    "references/index.html",
                    pieces: outputs.templates.page(
                        "references", view.context, layout: layout.context,
                        bulk: ("entries", entries.count, { entries.piece($0) })))
            }
        },
        SiteWideFile(path: "references.json") { outputs in
            let view = outputs.views.referenceExport()
            return PlannedFile(views: [view]) { OutputFile("references.json", bytes: Feeds.cslJSON(view)) }
        },
    ]

    init(
        site: Site, diagnostics: [Diagnostic], templates: TemplateSet, contentDirectory: String,
        includeUnpublished: Bool
    ) throws {
        self.site = site
        self.diagnostics = diagnostics
        self.templates = templates
        published = includeUnpublished ? site.pages : site.pages.filter(\.isPublished)
        views = PageViews(site: site)
        let topics = published.flatMap { page in page.variants.indices.map { (page: page, variant: $0) } }
        var topicIndex: [String: Int] = [:]
        for (i, topic) in topics.enumerated() { topicIndex[topic.page.variants[topic.variant].path + "index.html"] = i }
        self.topics = topics
        self.topicIndex = topicIndex
        var siteWideIndex: [String: Int] = [:]
        for (i, file) in Self.siteWide.enumerated() where !file.dashboardOnly || site.settings.reviewDashboard {
            siteWideIndex[file.path] = i
        }
        self.siteWideIndex = siteWideIndex
        let generated =
            topics.map { $0.page.variants[$0.variant].path + "index.html" }
            + Self.siteWide.map(\.path).filter { siteWideIndex[$0] != nil }
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
        if let index = topicIndex[path] { return try topic(topics[index].page, variant: topics[index].variant).make() }
        if let source = copies[path] { return OutputFile(path, copyOf: source) }
        return try plan(path)?.make()
    }

    /// The site-wide file at `path` as planned, or nil when the site has none there.
    func plan(_ path: String) -> PlannedFile? {
        siteWideIndex[path].map { Self.siteWide[$0].plan(self) }
    }

    fileprivate var feeds: Feeds { Feeds(site: site, published: published) }

    /// A page of the theme: `template` with `view`, inside the layout.
    fileprivate func page(
        _ template: String, _ view: some TemplateView, at path: String, title: String, section: String
    )
        -> PlannedFile
    {
        let layout = views.layout(
            title: title, description: nil, path: String(path.dropLast("index.html".count)), section: section)
        return PlannedFile(views: [layout, view]) {
            OutputFile(path, templates.page(template, view.context, layout: layout.context))
        }
    }

    func topic(_ page: SitePage, variant: Int = 0) -> PlannedFile {
        let path = page.variants[variant].path
        let layout = views.layout(
            title: page.title(variant: variant, settings: site.settings), description: page.metadata.summary,
            path: path,
            section: "topic")
        let view = views.topic(page, variant: variant)
        return PlannedFile(views: [layout, view]) {
            OutputFile(
                path + "index.html",
                templates.page("topic", view.context, layout: layout.context, repeated: true))
        }
    }
}
