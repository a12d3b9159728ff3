import Foundation
import SourcedCore

/// One file of the built site.
struct OutputFile: Sendable {
    enum Content: Sendable {
        case bytes([UInt8])
        /// Copied as-is from this path.
        case copy(String)
    }

    /// Path inside the output folder.
    var path: String
    var content: Content

    init(_ path: String, _ text: String) {
        self.path = path
        content = .bytes(Array(text.utf8))
    }

    init(_ path: String, data: Data) {
        self.path = path
        content = .bytes(Array(data))
    }

    init(_ path: String, copyOf source: String) {
        self.path = path
        content = .copy(source)
    }
}

/// Turns an assembled, checked site into its files (SPEC §7).
enum SiteRenderer {
    static func render(
        _ site: Site, diagnostics: [Diagnostic], templates: TemplateSet, contentDirectory: String,
        includeUnpublished: Bool = false
    ) async throws -> [OutputFile] {
        let published = includeUnpublished ? site.pages : site.pages.filter(\.isPublished)
        let views = PageViews(site: site)
        var files: [OutputFile] = []

        // Topic pages are independent: render them side by side, in bounded batches.
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        files += await withTaskGroup(of: (Int, OutputFile).self) { group in
            var results: [(Int, OutputFile)] = []
            var next = 0
            func add(_ group: inout TaskGroup<(Int, OutputFile)>) {
                let index = next
                let page = published[index]
                group.addTask {
                    let layout = views.layout(
                        title: page.metadata.title, description: page.metadata.summary, path: page.path,
                        section: "topic")
                    return (
                        index,
                        OutputFile(page.path + "index.html", templates.page("topic", views.topic(page), layout: layout))
                    )
                }
                next += 1
            }
            while next < min(workers * 2, published.count) { add(&group) }
            while let result = await group.next() {
                results.append(result)
                if next < published.count { add(&group) }
            }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }

        let settings = site.settings
        files.append(
            OutputFile(
                "index.html",
                templates.page(
                    "home", views.home(published),
                    layout: views.layout(title: settings.title, description: nil, path: "", section: "home"))))
        files.append(
            OutputFile(
                "references/index.html",
                templates.page(
                    "references", views.referenceIndex(published),
                    layout: views.layout(
                        title: "References", description: nil, path: "references/", section: "references"))))
        if settings.reviewDashboard {
            files.append(
                OutputFile(
                    "review/index.html",
                    templates.page(
                        "review", views.dashboard(diagnostics: diagnostics),
                        layout: views.layout(
                            title: "Review dashboard", description: nil, path: "review/", section: "review"))))
        }
        let feeds = Feeds(site: site, published: published)
        files.append(OutputFile("sitemap.xml", feeds.sitemap()))
        files.append(OutputFile("feed.xml", feeds.atom()))
        files.append(OutputFile("search-index.json", data: try feeds.searchIndex()))
        files.append(OutputFile("references.json", data: try feeds.cslJSON()))

        if let assets = templates.assetsDirectory {
            for relative in try ContentLoader.listFiles(assets) {
                files.append(OutputFile("assets/" + relative, copyOf: "\(assets)/\(relative)"))
            }
        }
        // A generated file wins over an attachment of the same path.
        let generated = Set(files.map(\.path))
        for attachment in site.attachments.sorted() where !generated.contains(attachment) {
            files.append(OutputFile(attachment, copyOf: "\(contentDirectory)/\(attachment)"))
        }
        return files
    }
}
