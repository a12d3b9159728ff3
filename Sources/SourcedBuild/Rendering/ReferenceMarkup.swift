import SourcedCore

/// The reference markup the engine emits itself (SPEC §7): a page's reference list and the
/// entries of the site-wide reference index. Every value is escaped here.
enum ReferenceMarkup {
    /// `<ol class="references">` with one `<li id="ref-KEY">` per cited source, in citation order.
    @Sendable static func list(_ list: ReferenceListView) -> String {
        var html = "<ol class=\"references\">\n"
        for cited in list.sources {
            let r = cited.reference
            let key = cited.key.htmlEscaped
            html += "  <li id=\"ref-\(key)\" class=\"reference reference-\(r.type.rawValue)\"\(statusAttribute(r))>\n"
            if let label = r.type.label { html += "    <span class=\"reference-type\">\(label)</span>\n" }
            html += "    <span class=\"reference-text\">\(ReferenceFormatter.html(r))</span>\n"
            if !r.isCurrent, let status = r.status {
                html += "    " + statusHTML(status, replacement: cited.replacement, root: cited.root) + "\n"
            }
            html += "    <span class=\"reference-links\">\(links(r, indexURL: cited.indexURL))</span>\n"
            let backlinks = cited.groups.enumerated().map { n, group in
                let label = cited.groups.count == 1 ? "↩" : "↩\(n + 1)"
                return "<a href=\"#\(CitationMarkup.groupAnchor(group))\" aria-label=\"Back to citation\">\(label)</a>"
            }
            html += "    <span class=\"backlinks\">Cited at \(backlinks.joined(separator: " "))</span>\n"
            html += "  </li>\n"
        }
        return html + "</ol>\n"
    }

    /// Where the reference index lists `entry`.
    static func indexURL(of entry: ReferenceIndex.Entry, root: String) -> String {
        root + "references/#" + entry.anchor
    }

    /// One entry of the reference index: `<li id="source-KEY">`, an anchor for each other key
    /// the source goes by, and the topics that cite it.
    @Sendable static func indexEntry(_ entry: IndexEntryView) -> String {
        let r = entry.reference
        var html =
            "<li id=\"\(entry.anchor.htmlEscaped)\" class=\"source reference-\(r.type.rawValue)\"\(statusAttribute(r))>"
        for alias in entry.aliasAnchors {
            html += "<span id=\"\(alias.htmlEscaped)\" class=\"source-alias\"></span>"
        }
        html += "\n"
        if let label = r.type.label { html += "  <span class=\"reference-type\">\(label)</span>\n" }
        html += "  <span class=\"reference-text\">\(ReferenceFormatter.html(r))</span>\n"
        if !r.isCurrent, let status = r.status {
            html += "  " + statusHTML(status, replacement: entry.replacement, root: entry.root) + "\n"
        }
        html += "  <span class=\"reference-links\">\(links(r, indexURL: nil))</span>\n"
        if entry.citedBy.isEmpty {
            html += "  <p class=\"cited-by\">Not cited by any published topic.</p>\n"
        } else {
            let topics = entry.citedBy.map { "<a href=\"\($0.url.htmlEscaped)\">\($0.title.htmlEscaped)</a>" }
            html += "  <p class=\"cited-by\">Cited by: \(topics.joined(separator: " "))</p>\n"
        }
        return html + "</li>\n"
    }

    /// ` data-source-status="retracted"` on an entry whose source is not current.
    private static func statusAttribute(_ r: Reference) -> String {
        r.isCurrent ? "" : r.status.map { " data-source-status=\"\($0.kind.rawValue)\"" } ?? ""
    }

    /// What happened to the source, when, and the notice: "Retracted (2026-03-09): … Notice",
    /// "Superseded by <title> (2025-05-01)". `replacement` is the replacing source's title.
    static func statusHTML(_ status: SourceStatus, replacement: String?, root: String) -> String {
        var html = "<span class=\"reference-status\"><strong>\(status.kind.label)</strong>"
        if let key = status.supersededBy {
            let url = root + "references/#source-" + key
            html += " by <a href=\"\(url.htmlEscaped)\">\((replacement ?? key).htmlEscaped)</a>"
        }
        if let date = status.date { html += " (<time datetime=\"\(date)\">\(date)</time>)" }
        if let note = status.note { html += ": \(note.htmlEscaped)" }
        if let notice = status.noticeURL {
            html += " <a href=\"\(notice.htmlEscaped)\" rel=\"external\">Notice</a>"
        }
        return html + "</span>"
    }

    private static func links(_ r: Reference, indexURL: String?) -> String {
        var links: [String] = []
        if let doi = r.doi, let url = ReferenceFormatter.doiURL(doi) {
            links.append("<a href=\"\(url.htmlEscaped)\" rel=\"external\">doi:\(doi.htmlEscaped)</a>")
        }
        if let pmid = r.pmid, let url = ReferenceFormatter.pubmedURL(pmid) {
            links.append("<a href=\"\(url.htmlEscaped)\" rel=\"external\">PubMed \(pmid.htmlEscaped)</a>")
        }
        if let pmcid = r.pmcid, let url = ReferenceFormatter.pmcURL(pmcid) {
            links.append("<a href=\"\(url.htmlEscaped)\" rel=\"external\">\(pmcid.htmlEscaped)</a>")
        }
        if let url = r.url { links.append("<a href=\"\(url.htmlEscaped)\" rel=\"external\">Source</a>") }
        if let indexURL { links.append("<a href=\"\(indexURL.htmlEscaped)\">In the reference index</a>") }
        return links.joined(separator: " ")
    }
}
