import SourcedCore
import SourcedMarkdown

/// Makes the views each template places (see `Views.swift`). All decisions live here, none in
/// templates.
struct PageViews {
    let site: Site
    let disclaimerHTML: String?
    let editorialPolicyHTML: String?
    /// The pages that say `nav: true`, by title, for the top navigation.
    let navPages: [SitePage]
    /// The site's root path, worked out from its base URL once (it was 18% of the reference
    /// index page, asked for once per link).
    let root: String

    init(site: Site) {
        self.site = site
        root = site.settings.rootPath
        func html(_ text: SettingsMarkdown) -> String {
            PageParser.fillTopicLinks(CitationPlaceholder.fill(text.markdown.html) { _ in "" }) { index in
                Self.topicLinkURL(text.links, index, site: site, root: site.settings.rootPath) ?? "#"
            }
        }
        disclaimerHTML = site.disclaimer.map(html)
        editorialPolicyHTML = site.editorialPolicy.map(html)
        navPages = site.pages.filter { $0.metadata.nav && $0.isPublished }.sorted {
            ($0.metadata.title, $0.file) < ($1.metadata.title, $1.file)
        }
    }

    func url(of page: SitePage) -> String { root + page.path }

    func layout(title: String, description: String?, path: String, section: String) -> LayoutView {
        LayoutView(
            lang: site.settings.language, siteTitle: site.settings.title,
            pageTitle: title == site.settings.title ? title : "\(title) · \(site.settings.title)",
            description: description, root: root, canonical: site.settings.absoluteBase + path,
            navHome: section == "home", navReferences: section == "references", navReview: section == "review",
            hasDashboard: site.settings.reviewDashboard,
            navPages: navPages.map { .init(title: $0.metadata.title, url: url(of: $0), current: $0.path == path) })
    }

    // MARK: Topic page

    /// The page's variant `variant` (its first, or only, by default).
    func topic(_ page: SitePage, variant: Int = 0) -> TopicView {
        let m = page.metadata
        let shown = page.variants[variant]
        // A plain page (`kind: page`) has no review, no disclaimer, no trust line and no
        // MedicalWebPage data: it is about the site, not a clinical answer.
        let topic = m.isTopic
        return TopicView(
            title: m.title, question: m.question, summary: m.summary, audience: m.audience,
            audienceSwitch: audienceSwitch(page, current: variant),
            badge: topic ? BadgeView(page, settings: site.settings) : nil,
            unpublished: page.isPublished
                ? nil
                : "Not published: 'sourced build' leaves out pages whose status is '\(m.review.status.rawValue)'.",
            sourceAlert: sourceAlert(shown.citations),
            tags: m.tags.map { .init(name: $0, url: root + "#tag-" + HeadingAnchors.slug($0)) },
            hasTags: !m.tags.isEmpty, disclaimer: topic ? disclaimerHTML : nil,
            editorialPolicy: topic ? editorialPolicyHTML : nil, reviewBoard: topic ? site.settings.reviewBoard : nil,
            editLink: site.settings.editLink(page.result.relativePath),
            hasTrust: topic || site.settings.editURL != nil,
            citeThisPage: topic
                ? PageCitationView(
                    title: page.title(variant: variant, settings: site.settings), siteTitle: site.settings.title,
                    reviewers: m.review.reviewers, day: m.review.updated ?? m.review.reviewed,
                    url: site.settings.absoluteBase + shown.path,
                    key: shown.audience.map { "\(page.slug)-\($0)" } ?? page.slug)
                : nil,
            body: Markup(value: body(page, shown), html: BodyView.html),
            references: Markup(value: ReferenceListView(sources: references(page, shown)), html: ReferenceMarkup.list),
            hasReferences: !shown.citations.sources.isEmpty,
            gradeLegend: gradeLegend(page, shown),
            toc: shown.headings.filter { $0.level == 2 }.map { .init(text: $0.text, anchor: $0.anchor) },
            root: root,
            structuredData: topic ? Markup(value: structuredData(page, shown), html: StructuredDataView.html) : nil)
    }

    /// The notice at the top of a page that cites a source with a status, retracted ones first.
    func sourceAlert(_ citations: PageCitations) -> SourceAlertView? {
        guard citations.sources.contains(where: { !$0.reference.isCurrent }) else { return nil }
        let affected = citations.sources.enumerated().compactMap { i, cited in
            cited.reference.status.map { (number: i + 1, cited: cited, status: $0) }
        }
        guard !affected.isEmpty else { return nil }
        let retracted = affected.count { $0.status.kind == .retracted }
        let heading =
            switch retracted {
            case 0:
                affected.count == 1 ? "A source this page cites has a notice" : "Sources this page cites have notices"
            case 1: "This page cites a retracted source"
            default: "This page cites \(retracted) retracted sources"
            }
        // Retracted first, then in number order.
        let ordered =
            affected.filter { $0.status.kind == .retracted } + affected.filter { $0.status.kind != .retracted }
        return SourceAlertView(
            heading: heading, retracted: retracted > 0,
            sources: ordered.map {
                SourceAlertView.Source(
                    key: $0.cited.key, number: $0.number, title: $0.cited.reference.title,
                    status: $0.status.kind.rawValue, label: $0.status.kind.label, date: $0.status.date?.description)
            })
    }

    /// "Which best describes you?" with a link to each variant; nil for a page with one.
    func audienceSwitch(_ page: SitePage, current: Int) -> AudienceSwitchView? {
        guard page.variants.count > 1 else { return nil }
        return AudienceSwitchView(
            prompt: site.settings.audiencePrompt,
            options: page.variants.enumerated().map { i, variant in
                let audience = variant.audience ?? ""
                return .init(
                    audience: audience, label: site.settings.label(ofAudience: audience), url: root + variant.path,
                    current: i == current)
            })
    }

    /// What the page's JSON-LD says.
    func structuredData(_ page: SitePage, _ shown: PageVariant) -> StructuredDataView {
        let m = page.metadata
        return StructuredDataView(
            name: m.title, description: m.summary, url: site.settings.absoluteBase + shown.path,
            language: site.settings.language, lastReviewed: m.review.reviewed?.description,
            reviewers: m.review.reviewers, modified: m.review.updated?.description,
            audience: shown.audience.map {
                StructuredDataView.audienceType($0, label: site.settings.label(ofAudience: $0))
            } ?? m.audience,
            audienceName: shown.audience.map { site.settings.label(ofAudience: $0) },
            sources: shown.citations.sources.map(\.reference))
    }

    /// The body with what fills its placeholders.
    func body(_ page: SitePage, _ shown: PageVariant) -> BodyView {
        let markdown = page.markdown
        let citations = markdown.citationGroups.map { group in
            // A group another audience's block holds is not in this HTML: nothing to fill, and
            // nothing for this file's key to depend on.
            if let audience = shown.audience, !markdown.isShown(line: group.position.line, to: audience) {
                return CitationView(items: [], unknown: false)
            }
            let (items, unknown) = CitationMarkup.numbered(group, citations: shown.citations)
            return CitationView(items: items, unknown: unknown)
        }
        let hasTopicLinks = page.result.links.contains { if case .topic = $0 { true } else { false } }
        let evidence = site.settings.evidence
        return BodyView(
            html: shown.html, citations: citations,
            links: hasTopicLinks ? page.result.links.indices.map { topicLinkURL(page, $0) ?? "#" } : [],
            grades: markdown.grades.map { .init(name: $0.grade, meaning: evidence?.meaning(of: $0.grade) ?? "") })
    }

    /// The grades the variant shows, in the scheme's order; nil when it shows none.
    func gradeLegend(_ page: SitePage, _ shown: PageVariant) -> GradeLegendView? {
        guard let evidence = site.settings.evidence, !page.markdown.grades.isEmpty else { return nil }
        let used = Set(
            page.markdown.grades.filter { tag in
                shown.audience.map { page.markdown.isShown(line: tag.position.line, to: $0) } ?? true
            }.map(\.grade))
        let entries = evidence.grades.filter { used.contains($0.name) }.map {
            GradeLegendView.Entry(grade: $0.name, meaning: $0.meaning)
        }
        return entries.isEmpty ? nil : GradeLegendView(scheme: evidence.scheme, grades: entries)
    }

    /// The variant's cited sources, in number order.
    func references(_ page: SitePage, _ shown: PageVariant) -> [CitedReferenceView] {
        let index = site.referenceIndex
        let path = page.result.relativePath
        // A variant numbers its own citations; the page's list of entries is in the page's order.
        let entries =
            page.markdown.audienceBlocks.isEmpty
            ? index.citedEntries(page: path) : shown.citations.sources.map { index.entry(page: path, key: $0.key) }
        return zip(shown.citations.sources, entries).map { cited, entry in
            CitedReferenceView(
                key: cited.key, reference: cited.reference,
                indexURL: entry.map { ReferenceMarkup.indexURL(of: index.entries[$0], root: root) },
                groups: cited.groups, replacement: replacementTitle(cited.reference, page: page), root: root)
        }
    }

    /// The title of the source that supersedes `reference`: the page's own of that key, else the
    /// bibliography's.
    func replacementTitle(_ reference: Reference, page: SitePage?) -> String? {
        guard !reference.isCurrent, let key = reference.status?.supersededBy else { return nil }
        let own = page?.metadata.references.first { $0.reference.id == key }
        return (own ?? site.bibliography[key])?.reference.title
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

    /// What every file of a build is made from besides its views: the code, the theme, the
    /// settings and the day, hashed (see `ViewKey`).
    static func commonKey(program: String, templates: TemplateSet, settings: SiteSettings, today: Day) -> String {
        var wire = WireWriter()
        wire.write("output key 3")
        wire.write(program)
        for name in templates.texts.keys.sorted() {
            wire.write(name)
            wire.write(templates.texts[name]!)
        }
        wire.write(settings)
        wire.write(today)
        return Fingerprint.hex(SHA256.hash(data: wire.bytes))
    }

    // MARK: Listings

    func listing(_ page: SitePage) -> ListingView {
        ListingView(
            title: page.metadata.title, url: url(of: page),
            badge: .init(status: page.badge.rawValue, label: page.badge.label), summary: page.metadata.summary)
    }

    /// The published topics by tag; plain pages are not listed.
    func home(_ published: [SitePage]) -> HomeView {
        let published = published.filter(\.metadata.isTopic)
        var byTag: [String: [SitePage]] = [:]
        for page in published {
            for tag in page.metadata.tags.isEmpty ? ["Untagged"] : page.metadata.tags {
                byTag[tag, default: []].append(page)
            }
        }
        // Tags with the same slug (`a b`, `a-b`) get `tag-a-b` and `tag-a-b-2`.
        var anchors: Set<String> = []
        let groups = byTag.keys.sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }.map { tag in
            let pages = byTag[tag]!.sorted { ($0.metadata.title, $0.file) < ($1.metadata.title, $1.file) }
            let base = "tag-" + HeadingAnchors.slug(tag)
            var anchor = base
            var n = 1
            while !anchors.insert(anchor).inserted {
                n += 1
                anchor = "\(base)-\(n)"
            }
            return HomeView.TagGroup(tag: tag, anchor: anchor, pages: pages.map(listing))
        }
        let approved = published.count { $0.badge == .approved }
        return HomeView(
            siteTitle: site.settings.title, groups: groups, pageCount: published.count, approvedCount: approved,
            pendingCount: published.count - approved, root: root)
    }

    /// The reference index page: each entry with the title and URL of each published page
    /// that cites it.
    func referenceIndex(_ published: [SitePage]) -> ReferencesView {
        // Each page's link made once, not once per source it cites.
        let links = Dictionary(
            published.map {
                ($0.result.relativePath, IndexEntryView.TopicLink(title: $0.metadata.title, url: url(of: $0)))
            },
            uniquingKeysWith: { a, _ in a })
        let entries = site.referenceIndex.entries.map { entry in
            IndexEntryView(
                anchor: entry.anchor, aliasAnchors: entry.aliasAnchors, reference: entry.reference,
                citedBy: entry.citedBy.compactMap { links[$0] },
                replacement: entry.reference.isCurrent
                    ? nil : replacementTitle(entry.reference, page: entry.citedBy.first.flatMap(site.page(atPath:))),
                root: root)
        }
        return ReferencesView(
            count: entries.count, root: root, entries: Pieces(items: entries, html: ReferenceMarkup.indexEntry))
    }

    /// What `references.json` holds: each reference index entry's id and source.
    func referenceExport() -> ReferenceExportView {
        ReferenceExportView(
            entries: Wired(
                value: .init(
                    site.referenceIndex.entries.map {
                        .init(id: String($0.anchor.dropFirst("source-".count)), reference: $0.reference)
                    })))
    }

    /// Every page, overdue and changed first, then by how far from approval, then by title;
    /// with what still blocks each page's approval.
    func dashboard(diagnostics: [Diagnostic]) -> DashboardView {
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
        // Plain pages have no review to track. A page citing a retracted source comes first.
        let topics = site.pages.filter(\.metadata.isTopic)
        func rank(_ page: SitePage) -> Int {
            ReviewAttention.citesRetracted(page) ? -1 : rank(page.badge)
        }
        let pages = topics.map { (rank: rank($0), page: $0) }.sorted {
            ($0.rank, $0.page.metadata.title, $0.page.file) < ($1.rank, $1.page.metadata.title, $1.page.file)
        }.map(\.page)
        let rows = pages.map { page in
            let listed = listing(page)
            let own = byFile[page.file] ?? []
            return DashboardView.Row(
                title: listed.title, url: listed.url, badge: listed.badge, summary: listed.summary, file: page.file,
                review: BadgeView(page, settings: site.settings), ownerKey: page.metadata.review.owner ?? "",
                published: page.isPublished, status: page.badge.rawValue,
                reviewerKeys: page.metadata.review.reviewers.joined(separator: "\n"),
                blockers: own.map {
                    .init(
                        location: "\($0.position.line):\($0.position.column)", severity: $0.severity.rawValue,
                        rule: $0.rule.rawValue, message: $0.message)
                },
                hasBlockers: !own.isEmpty, blockerSummary: Self.blockerSummary(own))
        }
        let counts = BadgeStatus.allCases.map { status in
            DashboardView.StatusCount(
                status: status.rawValue, label: status.label, count: topics.count { $0.badge == status })
        }
        let reviewers = Set(topics.flatMap(\.metadata.review.reviewers)).sorted().map(DashboardView.Reviewer.init)
        let owners = Set(topics.compactMap(\.metadata.review.owner)).sorted().map(DashboardView.Reviewer.init)
        let groupsOf = pages.map { ReviewAttention.groups(of: $0, site: site) }
        let attention = ReviewAttention.Group.allCases.compactMap { group -> DashboardView.AttentionGroup? in
            let members = pages.indices.filter { groupsOf[$0].contains(group) }.map { pages[$0] }
            guard !members.isEmpty else { return nil }
            return .init(
                group: group.rawValue, label: group.label, count: members.count,
                pages: members.map {
                    .init(
                        title: $0.metadata.title, url: url(of: $0), owner: $0.metadata.review.owner,
                        nextDue: ReviewPolicy.nextReviewDue($0.metadata.review, settings: site.settings)?.description)
                })
        }
        return DashboardView(
            rows: rows, counts: counts, reviewers: reviewers, attention: attention, owners: owners,
            today: site.today.description, root: root)
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
