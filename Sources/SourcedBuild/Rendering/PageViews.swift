import Crypto
import SourcedCore
import SourcedMarkdown

/// Builds the values each template places. All decisions live here, none in templates.
struct PageViews {
    let site: Site
    let disclaimerHTML: String?
    /// The site's root path, worked out from its base URL once (it was 18% of the reference
    /// index page, asked for once per link).
    let root: String

    init(site: Site) {
        self.site = site
        root = site.settings.rootPath
        disclaimerHTML = site.disclaimer.map { disclaimer in
            PageParser.fillTopicLinks(CitationPlaceholder.fill(disclaimer.markdown.html) { _ in "" }) { index in
                Self.topicLinkURL(disclaimer.links, index, site: site, root: site.settings.rootPath) ?? "#"
            }
        }
    }

    func url(of page: SitePage) -> String { root + page.path }

    func layout(title: String, description: String?, path: String, section: String) -> [String: Any] {
        var model: [String: Any] = [
            "lang": site.settings.language,
            "site_title": site.settings.title,
            "page_title": title == site.settings.title ? title : "\(title) · \(site.settings.title)",
            "root": root,
            "canonical": site.settings.absoluteBase + path,
            "nav_home": section == "home",
            "nav_references": section == "references",
            "nav_review": section == "review",
            "has_dashboard": site.settings.reviewDashboard,
        ]
        if let description { model["description"] = description }
        return model
    }

    // MARK: Topic page

    func topic(_ page: SitePage) -> [String: Any] {
        let m = page.metadata
        let citations = page.citations
        let body = fillBody(page)
        var model: [String: Any] = [
            "title": m.title,
            "badge": BadgeView.model(page, settings: site.settings),
            "body": body,
            "references": ReferenceMarkup.list(page, index: site.referenceIndex, root: root),
            "has_references": !citations.sources.isEmpty,
            "tags": m.tags.map { ["name": $0, "url": root + "#tag-" + HeadingAnchors.slug($0)] },
            "has_tags": !m.tags.isEmpty,
            "toc": page.markdown.headings.filter { $0.level == 2 }.map { ["text": $0.text, "anchor": $0.anchor] },
            "root": root,
        ]
        if !page.isPublished {
            model["unpublished"] =
                "Not published: 'sourced build' leaves out pages whose status is '\(m.review.status.rawValue)'."
        }
        if let question = m.question { model["question"] = question }
        if let summary = m.summary { model["summary"] = summary }
        if let audience = m.audience { model["audience"] = audience }
        if let disclaimerHTML { model["disclaimer"] = disclaimerHTML }
        return model
    }

    /// The body HTML with citation markers and topic-link placeholders filled in.
    func fillBody(_ page: SitePage) -> String {
        let groups = page.markdown.citationGroups
        let html = CitationPlaceholder.fill(page.markdown.html) { index in
            index < groups.count ? CitationMarkup.html(for: groups[index], index: index, citations: page.citations) : ""
        }
        guard page.result.links.contains(where: { if case .topic = $0 { true } else { false } }) else { return html }
        return PageParser.fillTopicLinks(html) { topicLinkURL(page, $0) ?? "#" }
    }

    /// Where the page's link number `index` leads, if it links to a topic that exists.
    func topicLinkURL(_ page: SitePage, _ index: Int) -> String? {
        Self.topicLinkURL(page.result.links, index, site: site, root: root)
    }

    /// Where the topic link numbered `index` among `links` leads.
    static func topicLinkURL(_ links: [LinkTarget], _ index: Int, site: Site, root: String) -> String? {
        guard index < links.count, case .topic(let path, let fragment) = links[index],
            let target = site.page(atPath: path)
        else { return nil }
        return root + target.path + (fragment.map { "#" + $0 } ?? "")
    }

    // MARK: What each output is made from

    /// What every file of a build is made from besides its own inputs: the code, the theme,
    /// the settings and the day, hashed.
    static func commonKey(
        program: String, templates: TemplateSet, settings: SiteSettings, today: Day, disclaimerHTML: String?
    ) -> String {
        var wire = WireWriter()
        wire.write("output key 2")
        // The disclaimer's links lead where their pages are now.
        wire.write(disclaimerHTML ?? "")
        wire.write(program)
        for name in templates.texts.keys.sorted() {
            wire.write(name)
            wire.write(templates.texts[name]!)
        }
        wire.write(settings)
        wire.write(today)
        return Fingerprint.hex(SHA256.hash(data: wire.bytes))
    }

    /// A hash of everything `topic(_:)` and the page's layout read: two builds that give a page
    /// the same key render it to the same bytes, so a build can keep the file an earlier build
    /// wrote for that key (see `OutputManifest`).
    ///
    /// `source` is the SHA-256 of the page's file. With its paths, the settings and the program
    /// (all in `common`) it decides the page's `PageResult`, and so its metadata, body and
    /// links. What else a page shows comes from the rest of the site, and is named here one by
    /// one: each source it cites and where the reference index lists it, where each of its
    /// topic links leads, its badge and whether it is published. A view that starts to read
    /// anything else must add it here; `RenderReuseTests` edits each of these and compares
    /// against a build from scratch.
    func topicKey(_ page: SitePage, source: String, common: String) -> String {
        var wire = WireWriter()
        wire.write(common)
        wire.write(source)
        wire.write(page.result.relativePath)
        wire.write(page.file)
        wire.write(page.path)
        wire.write(page.isPublished)
        wire.write(page.badge.rawValue)
        wire.write(page.citations.sources.count)
        for cited in page.citations.sources {
            wire.write(cited.key)
            // A source the page lists itself is part of its result already.
            wire.write(cited.isPageReference)
            if !cited.isPageReference { wire.write(cited.reference) }
            wire.write(ReferenceMarkup.indexURL(of: cited.key, on: page, index: site.referenceIndex, root: root) ?? "")
        }
        wire.write(page.result.links.count)
        for index in page.result.links.indices {
            wire.write(topicLinkURL(page, index) ?? "")
        }
        return Fingerprint.hex(SHA256.hash(data: wire.bytes))
    }

    // MARK: Listings

    /// A page in a list: title, link, summary and a compact badge (status only).
    func listing(_ page: SitePage) -> [String: Any] {
        var model: [String: Any] = [
            "title": page.metadata.title,
            "url": url(of: page),
            "badge": ["status": page.badge.rawValue, "label": page.badge.label],
        ]
        if let summary = page.metadata.summary { model["summary"] = summary }
        return model
    }

    func home(_ published: [SitePage]) -> [String: Any] {
        var byTag: [String: [SitePage]] = [:]
        for page in published {
            for tag in page.metadata.tags.isEmpty ? ["Untagged"] : page.metadata.tags {
                byTag[tag, default: []].append(page)
            }
        }
        // Tags with the same slug (`a b`, `a-b`) get `tag-a-b` and `tag-a-b-2`.
        var anchors: Set<String> = []
        let groups = byTag.keys.sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }.map { tag -> [String: Any] in
            let pages = byTag[tag]!.sorted { ($0.metadata.title, $0.file) < ($1.metadata.title, $1.file) }
            let base = "tag-" + HeadingAnchors.slug(tag)
            var anchor = base
            var n = 1
            while !anchors.insert(anchor).inserted {
                n += 1
                anchor = "\(base)-\(n)"
            }
            return ["tag": tag, "anchor": anchor, "pages": pages.map(listing)]
        }
        let counts = Dictionary(grouping: published, by: \.badge).mapValues(\.count)
        return [
            "site_title": site.settings.title,
            "groups": groups,
            "page_count": published.count,
            "approved_count": counts[.approved] ?? 0,
            "pending_count": published.count - (counts[.approved] ?? 0),
            "root": root,
        ]
    }

    /// The reference index page's values, and its entries one by one, made as the page is
    /// written (with 66,000 sources they are 40 MB of HTML; see `TemplateSet.page(bulk:)`).
    func referenceIndex(_ published: [SitePage]) -> (
        context: [String: Any], count: Int, entry: @Sendable (Int) -> String
    ) {
        let citing = citingPages(published)
        let entries = site.referenceIndex.entries
        let entry: @Sendable (Int) -> String = { index in
            ReferenceMarkup.indexEntry(entries[index], citedBy: citing(entries[index]))
        }
        return (["count": entries.count, "root": root], entries.count, entry)
    }

    /// The title and URL of each published page that cites an entry: what the reference index
    /// page names, and so what its key covers.
    private func citingPages(_ published: [SitePage])
        -> @Sendable (ReferenceIndex.Entry) -> [(
            title: String, url: String
        )]
    {
        let pages = Dictionary(published.map { ($0.result.relativePath, $0) }, uniquingKeysWith: { a, _ in a })
        return { entry in
            entry.citedBy.compactMap { pages[$0] }.map { (title: $0.metadata.title, url: url(of: $0)) }
        }
    }

    /// A hash of what the home page is made from besides `common`: each published page's
    /// file, title, tags, URL, badge and summary (see `home(_:)`).
    func homeKey(_ published: [SitePage], common: String) -> String {
        Self.hash(["index.html", common], published) { wire, page in
            wire.write(page.file)
            wire.write(page.metadata.title)
            wire.write(page.metadata.tags)
            wire.write(page.path)
            wire.write(page.badge.rawValue)
            wire.write(page.metadata.summary)
        }
    }

    /// A hash of what the review dashboard is made from besides `common`: each page's file,
    /// title, URL, badge, summary, review fields and whether it is published, and every
    /// diagnostic (see `dashboard(diagnostics:)`).
    func dashboardKey(diagnostics: [Diagnostic], common: String) -> String {
        let pages = Self.hash(["review/index.html", common], site.pages) { wire, page in
            wire.write(page.file)
            wire.write(page.metadata.title)
            wire.write(page.path)
            wire.write(page.badge.rawValue)
            wire.write(page.metadata.summary)
            wire.write(page.metadata.review)
            wire.write(page.isPublished)
        }
        return Self.hash([pages], diagnostics) { $0.write($1) }
    }

    /// A hash of what the reference index page is made from besides `common`: each entry's
    /// anchor, keys and source, and the title and URL of each published page citing it (see
    /// `referenceIndex(_:)`).
    func referenceIndexKey(_ published: [SitePage], common: String) -> String {
        let citing = citingPages(published)
        return Self.hash(["references/index.html", common], site.referenceIndex.entries) { wire, entry in
            wire.write(entry.anchor)
            wire.write(entry.keys)
            wire.write(entry.reference)
            let pages = citing(entry)
            wire.write(pages.count)
            for page in pages {
                wire.write(page.title)
                wire.write(page.url)
            }
        }
    }

    /// A hash of what `references.json` is made from besides `common`: each entry's anchor and
    /// source (see `Feeds.cslJSON`).
    func referencesJSONKey(common: String) -> String {
        Self.hash(["references.json", common], site.referenceIndex.entries) { wire, entry in
            wire.write(entry.anchor)
            wire.write(entry.reference)
        }
    }

    /// SHA-256 of `head` and then of each item as `write` puts it, 64 KB at a time (the
    /// reference index's 66,000 entries would be 15 MB at once).
    private static func hash<Item>(_ head: [String], _ items: [Item], _ write: (inout WireWriter, Item) -> Void)
        -> String
    {
        var hash = SHA256()
        var wire = WireWriter()
        wire.write(head)
        wire.write(items.count)
        for item in items {
            write(&wire, item)
            if wire.bytes.count >= 1 << 16 {
                hash.update(data: wire.bytes)
                wire.removeAll()
            }
        }
        hash.update(data: wire.bytes)
        return Fingerprint.hex(hash.finalize())
    }

    /// Every page, overdue and changed first, then by how far from approval, then by title;
    /// with what still blocks each page's approval.
    func dashboard(diagnostics: [Diagnostic]) -> [String: Any] {
        func rank(_ badge: BadgeStatus) -> Int {
            switch badge {
            case .overdue, .changed: 0
            case .inReview: 1
            case .submitted: 2
            case .draft: 3
            case .approved: 4
            }
        }
        let byFile = Dictionary(grouping: diagnostics, by: \.file)
        let pages = site.pages.sorted {
            (rank($0.badge), $0.metadata.title, $0.file) < (rank($1.badge), $1.metadata.title, $1.file)
        }
        let rows = pages.map { page -> [String: Any] in
            var row = listing(page)
            let own = byFile[page.file] ?? []
            row["file"] = page.file
            row["review"] = BadgeView.model(page, settings: site.settings)
            row["published"] = page.isPublished
            row["status"] = page.badge.rawValue
            row["reviewer_keys"] = page.metadata.review.reviewers.joined(separator: "\n")
            row["blockers"] = own.map {
                [
                    "location": "\($0.position.line):\($0.position.column)", "severity": $0.severity.rawValue,
                    "rule": $0.rule.rawValue, "message": $0.message,
                ]
            }
            row["has_blockers"] = !own.isEmpty
            row["blocker_summary"] = Self.blockerSummary(own)
            return row
        }
        let counts = BadgeStatus.allCases.map { status in
            ["status": status.rawValue, "label": status.label, "count": site.pages.count { $0.badge == status }]
        }
        let reviewers = Set(site.pages.flatMap(\.metadata.review.reviewers)).sorted().map { ["name": $0] }
        return [
            "rows": rows, "counts": counts, "reviewers": reviewers, "today": site.today.description, "root": root,
        ]
    }

    /// "2 errors, 1 uncited claim" — what stands between a page and its approval.
    static func blockerSummary(_ diagnostics: [Diagnostic]) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let uncited = diagnostics.count { $0.rule == .uncitedClaim }
        let errors = diagnostics.count { $0.severity == .error && $0.rule != .uncitedClaim }
        let warnings = diagnostics.count { $0.severity == .warning && $0.rule != .uncitedClaim }
        var parts: [String] = []
        if errors > 0 { parts.append(plural(errors, "error")) }
        if uncited > 0 { parts.append(plural(uncited, "uncited claim")) }
        if warnings > 0 { parts.append(plural(warnings, "warning")) }
        return parts.joined(separator: ", ")
    }
}
