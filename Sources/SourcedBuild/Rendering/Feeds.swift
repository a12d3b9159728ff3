import Foundation
import SourcedCore

/// The machine-readable outputs: sitemap, Atom feed, search index, CSL-JSON.
struct Feeds {
    let site: Site
    let published: [SitePage]

    private var base: String { site.settings.absoluteBase }

    /// Every variant of every published page, in order, as the page and the variant's index:
    /// a copy of a variant retains each of its strings and lists.
    private var variants: [(page: SitePage, index: Int)] {
        var all: [(page: SitePage, index: Int)] = []
        all.reserveCapacity(published.count)
        for page in published {
            for index in page.variants.indices { all.append((page, index)) }
        }
        return all
    }

    func sitemap() -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        func url(_ path: String, _ modified: Day?) {
            xml += "  <url><loc>\((base + path).xmlEscaped)</loc>"
            if let modified { xml += "<lastmod>\(modified)</lastmod>" }
            xml += "</url>\n"
        }
        url("", nil)
        url("references/", nil)
        if site.settings.reviewDashboard { url("review/", nil) }
        for (page, index) in variants { url(page.variants[index].path, page.metadata.review.updated) }
        return xml + "</urlset>\n"
    }

    /// Atom feed of topics, newest `updated` first.
    func atom() -> String {
        func stamp(_ day: Day) -> String { "\(day)T00:00:00Z" }
        // The feed announces topics; plain pages are in the sitemap and the search index.
        // Each variant is an entry of its own, under its own title.
        let entries = variants.filter(\.page.metadata.isTopic).map { shown in
            let review = shown.page.metadata.review
            let title = shown.page.title(variant: shown.index, settings: site.settings)
            return (shown, review.updated ?? review.reviewed ?? site.today, title)
        }
        .sorted {
            ($0.1, $1.2) != ($1.1, $0.2)
                ? ($0.1, $1.2) > ($1.1, $0.2)
                : $0.0.page.variants[$0.0.index].path > $1.0.page.variants[$1.0.index].path
        }
        let newest = entries.first?.1 ?? site.today
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        xml += "  <title>\(site.settings.title.xmlEscaped)</title>\n"
        xml += "  <id>\(base.xmlEscaped)</id>\n"
        xml += "  <link href=\"\(base.xmlEscaped)\"/>\n"
        xml += "  <link rel=\"self\" href=\"\((base + "feed.xml").xmlEscaped)\"/>\n"
        xml += "  <updated>\(stamp(newest))</updated>\n"
        xml += "  <author><name>\(site.settings.title.xmlEscaped)</name></author>\n"
        for (shown, updated, title) in entries {
            let page = shown.page
            let url = (base + page.variants[shown.index].path).xmlEscaped
            xml += "  <entry>\n"
            xml += "    <title>\(title.xmlEscaped)</title>\n"
            xml += "    <id>\(url)</id>\n    <link href=\"\(url)\"/>\n"
            xml += "    <updated>\(stamp(updated))</updated>\n"
            if let summary = page.metadata.summary { xml += "    <summary>\(summary.xmlEscaped)</summary>\n" }
            for tag in page.metadata.tags { xml += "    <category term=\"\(tag.xmlEscaped)\"/>\n" }
            xml += "  </entry>\n"
        }
        return xml + "</feed>\n"
    }

    func searchIndex() -> [UInt8] {
        var json = JSONWriter()
        let root = site.settings.rootPath
        json.array(variants) { json, shown in
            let page = shown.page
            let variant = page.variants[shown.index]
            let m = page.metadata
            json.object([
                // Each variant is an entry of its own, with its audience's name and label.
                ("audience", variant.audience.map { v in { $0.string(v) } }),
                ("audience_label", variant.audience.map { v in { $0.string(site.settings.label(ofAudience: v)) } }),
                ("headings", { $0.array(variant.headings) { $0.string($1.text) } }),
                // The page's own URL, which each of its variants' entries shares.
                ("page", variant.audience == nil ? nil : { $0.string(root + page.path) }),
                ("question", m.question.map { v in { $0.string(v) } }),
                // A plain page has no review, so no status.
                ("status", m.isTopic ? { $0.string(page.badge.rawValue) } : nil),
                ("summary", m.summary.map { v in { $0.string(v) } }),
                ("tags", { $0.array(m.tags) { $0.string($1) } }),
                ("title", { $0.string(m.title) }),
                ("url", { $0.string(root + variant.path) }),
            ])
        }
        return json.bytes
    }

    /// `review/pages.json`, for reminder bots: every topic (published or not) with its status,
    /// owner, review dates, what needs attention, and the rule ids of the errors that block
    /// its approval; in content-path order.
    func reviewPages(diagnostics: [Diagnostic]) -> [UInt8] {
        var blocking: [String: Set<String>] = [:]
        for diagnostic in diagnostics where diagnostic.severity == .error {
            blocking[diagnostic.file, default: []].insert(diagnostic.rule.rawValue)
        }
        let root = site.settings.rootPath
        var json = JSONWriter()
        json.array(site.pages.filter(\.metadata.isTopic)) { json, page in
            let review = page.metadata.review
            let groups = ReviewAttention.groups(of: page, site: site)
            let due = ReviewPolicy.nextReviewDue(review, settings: site.settings)
            json.object([
                ("blocking", { $0.array((blocking[page.file] ?? []).sorted()) { $0.string($1) } }),
                ("changed", { $0.bool(groups.contains(.changed)) }),
                ("cites_retracted", { $0.bool(groups.contains(.retracted)) }),
                ("due_soon", { $0.bool(groups.contains(.dueSoon)) }),
                ("file", { $0.string(page.file) }),
                ("next_due", review.status == .approved ? due.map { d in { $0.string(d.description) } } : nil),
                ("overdue", { $0.bool(groups.contains(.overdue)) }),
                ("owner", review.owner.map { v in { $0.string(v) } }),
                ("published", { $0.bool(page.isPublished) }),
                ("reviewed", review.reviewed.map { d in { $0.string(d.description) } }),
                ("reviewers", { $0.array(review.reviewers) { $0.string($1) } }),
                ("status", { $0.string(page.badge.rawValue) }),
                ("title", { $0.string(page.metadata.title) }),
                ("url", { $0.string(root + page.path) }),
            ])
        }
        return json.bytes
    }

    /// Every source in the reference index as CSL-JSON.
    static func cslJSON(_ export: ReferenceExportView) -> [UInt8] {
        var json = JSONWriter()
        json.array(export.entries.value.all) { json, entry in
            let r = entry.reference
            let year = r.year.flatMap { Int($0) }
            json.object([
                ("DOI", r.doi.map { v in { $0.string(v) } }),
                ("PMCID", r.pmcid.map { v in { $0.string(v) } }),
                ("PMID", r.pmid.map { v in { $0.string(v) } }),
                ("URL", r.url.map { v in { $0.string(v) } }),
                (
                    "author",
                    {
                        $0.array(r.authors.map(CSLName.init)) { json, name in
                            json.object([
                                ("family", { $0.string(name.family) }),
                                ("given", name.given.map { v in { $0.string(v) } }),
                            ])
                        }
                    }
                ),
                // A book's container is its publisher, which styles print as such.
                ("container-title", r.type == .book ? nil : r.container.map { v in { $0.string(v) } }),
                ("genre", Self.cslGenre(r.type).map { v in { $0.string(v) } }),
                ("id", { $0.string(entry.id) }),
                ("issued", year.map { y in { $0.raw("{\"date-parts\":[[\(y)]]}") } }),
                ("page", r.pages.map { v in { $0.string(v) } }),
                ("publisher", r.type == .book ? r.container.map { v in { $0.string(v) } } : nil),
                ("title", { $0.string(r.title) }),
                ("type", { $0.string(Self.cslType(r.type, inJournal: r.container != nil)) }),
                ("volume", r.volume.map { v in { $0.string(v) } }),
            ])
        }
        return json.bytes
    }

    /// A guideline published in a journal is a journal article to every style (as a report, AMA
    /// drops its journal); its genre says it is a guideline, and reading the file back gives one.
    private static func cslType(_ kind: Reference.Kind, inJournal: Bool) -> String {
        switch kind {
        case .guideline: inJournal ? "article-journal" : "report"
        case .research, .review: "article-journal"
        case .book: "book"
        case .web: "webpage"
        case .other: "document"
        }
    }

    private static func cslGenre(_ kind: Reference.Kind) -> String? {
        switch kind {
        case .guideline: "Guideline"
        case .review: "Review"
        default: nil
        }
    }

    /// Authors are written "Family Initials"; CSL wants them split.
    struct CSLName {
        var family: String
        var given: String?

        init(_ written: String) {
            let parts = written.split(separator: " ", maxSplits: .max)
            if parts.count > 1, let last = parts.last, last.allSatisfy({ $0.isUppercase || $0 == "-" }) {
                family = parts.dropLast().joined(separator: " ")
                given = String(last)
            } else {
                family = written
                given = nil
            }
        }
    }
}
