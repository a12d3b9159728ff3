import Foundation
import SourcedCore

/// The machine-readable outputs: sitemap, Atom feed, search index, CSL-JSON.
struct Feeds {
    let site: Site
    let published: [SitePage]

    private var base: String { site.settings.absoluteBase }

    func sitemap() -> String {
        var urls = ["", "references/"] + published.map(\.path)
        if site.settings.reviewDashboard { urls.insert("review/", at: 2) }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        let lastModified = Dictionary(
            published.map { ($0.path, $0.metadata.review.updated) }, uniquingKeysWith: { a, _ in a })
        for path in urls {
            xml += "  <url><loc>\((base + path).htmlEscaped)</loc>"
            if let day = lastModified[path] ?? nil { xml += "<lastmod>\(day)</lastmod>" }
            xml += "</url>\n"
        }
        return xml + "</urlset>\n"
    }

    /// Atom feed of topics, newest `updated` first.
    func atom() -> String {
        func stamp(_ day: Day) -> String { "\(day)T00:00:00Z" }
        let entries = published.map { page in
            (page, page.metadata.review.updated ?? page.metadata.review.reviewed ?? site.today)
        }
        .sorted { ($0.1, $1.0.metadata.title) > ($1.1, $0.0.metadata.title) }
        let newest = entries.first?.1 ?? site.today
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        xml += "  <title>\(site.settings.title.htmlEscaped)</title>\n"
        xml += "  <id>\(base.htmlEscaped)</id>\n"
        xml += "  <link href=\"\(base.htmlEscaped)\"/>\n"
        xml += "  <link rel=\"self\" href=\"\((base + "feed.xml").htmlEscaped)\"/>\n"
        xml += "  <updated>\(stamp(newest))</updated>\n"
        xml += "  <author><name>\(site.settings.title.htmlEscaped)</name></author>\n"
        for (page, updated) in entries {
            let url = (base + page.path).htmlEscaped
            xml += "  <entry>\n"
            xml += "    <title>\(page.metadata.title.htmlEscaped)</title>\n"
            xml += "    <id>\(url)</id>\n    <link href=\"\(url)\"/>\n"
            xml += "    <updated>\(stamp(updated))</updated>\n"
            if let summary = page.metadata.summary { xml += "    <summary>\(summary.htmlEscaped)</summary>\n" }
            for tag in page.metadata.tags { xml += "    <category term=\"\(tag.htmlEscaped)\"/>\n" }
            xml += "  </entry>\n"
        }
        return xml + "</feed>\n"
    }

    struct SearchEntry: Encodable {
        var title: String
        var url: String
        var summary: String?
        var question: String?
        var tags: [String]
        var status: String
        var headings: [String]
    }

    func searchIndex() throws -> Data {
        let entries = published.map { page in
            SearchEntry(
                title: page.metadata.title, url: site.settings.rootPath + page.path, summary: page.metadata.summary,
                question: page.metadata.question, tags: page.metadata.tags, status: page.badge.rawValue,
                headings: page.markdown.headings.map(\.text))
        }
        return try Self.encodeForTheWeb(entries)
    }

    /// Every source in the reference index as CSL-JSON.
    func cslJSON() throws -> Data {
        let items = site.referenceIndex.entries.map { entry in
            let r = entry.reference
            return CSLItem(
                id: String(entry.anchor.dropFirst("source-".count)), type: Self.cslType(r.type), title: r.title,
                author: r.authors.map(CSLName.init),
                containerTitle: r.container,
                issued: r.year.flatMap(Int.init).map { CSLDate(dateParts: [[$0]]) },
                volume: r.volume, page: r.pages, DOI: r.doi, PMID: r.pmid, URL: r.url)
        }
        return try Self.encodeForTheWeb(items)
    }

    /// JSON with `<`, `>` and `&` as \u escapes: the same data, and harmless even if a page
    /// ever inlines it.
    static func encodeForTheWeb(_ value: some Encodable) throws -> Data {
        var bytes: [UInt8] = []
        for byte in try encoder.encode(value) {
            switch byte {
            case UInt8(ascii: "<"): bytes += Array("\\u003c".utf8)
            case UInt8(ascii: ">"): bytes += Array("\\u003e".utf8)
            case UInt8(ascii: "&"): bytes += Array("\\u0026".utf8)
            default: bytes.append(byte)
            }
        }
        return Data(bytes)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static func cslType(_ kind: Reference.Kind) -> String {
        switch kind {
        case .guideline: "report"
        case .research, .review: "article-journal"
        case .book: "book"
        case .web: "webpage"
        case .other: "document"
        }
    }

    struct CSLItem: Encodable {
        var id: String
        var type: String
        var title: String
        var author: [CSLName]
        var containerTitle: String?
        var issued: CSLDate?
        var volume: String?
        var page: String?
        var DOI: String?
        var PMID: String?
        var URL: String?

        enum CodingKeys: String, CodingKey {
            case id, type, title, author, issued, volume, page, DOI, PMID, URL
            case containerTitle = "container-title"
        }
    }

    /// Authors are written "Family Initials"; CSL wants them split.
    struct CSLName: Encodable {
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

    struct CSLDate: Encodable {
        var dateParts: [[Int]]
        enum CodingKeys: String, CodingKey { case dateParts = "date-parts" }
    }
}
