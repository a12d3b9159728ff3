import SourcedCore
import SourcedMarkdown

// The values each template places (SPEC §7's markup comes from these and the default theme).
// A property is a template variable: adding one here places it and keys it (see `TemplateView`).

/// `layout.mustache`, around every page; `content` is the page's own template, rendered.
struct LayoutView: TemplateView {
    var lang: String
    var siteTitle: String
    var pageTitle: String
    var description: String?
    var root: String
    var canonical: String
    var navHome: Bool
    var navReferences: Bool
    var navReview: Bool
    var hasDashboard: Bool
    /// The plain pages that ask to be in the top navigation (`nav: true`).
    var navPages: [NavPage]

    struct NavPage: Encodable, Sendable {
        var title: String
        var url: String
        /// This is that page.
        var current: Bool
    }
}

/// `topic.mustache`.
struct TopicView: TemplateView {
    var title: String
    var question: String?
    var summary: String?
    var audience: String?
    /// The links to the page's other audience variants; nil for a page written for one.
    var audienceSwitch: AudienceSwitchView?
    /// Nil on a plain page (`kind: page`).
    var badge: BadgeView?
    /// Set only in the preview, for a page `build` leaves out.
    var unpublished: String?
    /// The cited sources that were retracted, superseded, corrected or questioned; nil for none.
    var sourceAlert: SourceAlertView?
    var tags: [TagLink]
    var hasTags: Bool
    var disclaimer: String?
    /// `<p><a href="…">View editorial policy</a></p>`, when `site.yaml` names the page.
    var editorialPolicy: String?
    /// Who reviews the pages ("All articles are reviewed for accuracy by …").
    var reviewBoard: String?
    /// Where a reader suggests an edit to this page.
    var editLink: String?
    /// Whether there is a review board, an editorial policy, an edit link or a citation to show.
    var hasTrust: Bool
    /// "Cite this page"; nil on a plain page.
    var citeThisPage: PageCitationView?
    /// The body HTML, citation markers and topic links filled in.
    var body: Markup<BodyView>
    /// `<ol class="references">`.
    var references: Markup<ReferenceListView>
    var hasReferences: Bool
    /// The grades the page shows, in the scheme's order, with what each means; nil for none.
    var gradeLegend: GradeLegendView?
    /// The page's `##` headings, for themes that place a table of contents.
    var toc: [TocEntry]
    var root: String
    /// `<script type="application/ld+json">`: the page as schema.org's `MedicalWebPage`.
    var structuredData: Markup<StructuredDataView>?

    struct TagLink: Encodable, Sendable {
        var name: String
        var url: String
    }

    struct TocEntry: Encodable, Sendable {
        var text: String
        var anchor: String
    }
}

/// `<aside class="grade-legend">`: the evidence grades a page uses and what they mean.
struct GradeLegendView: Encodable, Sendable {
    var scheme: String
    var grades: [Entry]

    struct Entry: Encodable, Sendable {
        var grade: String
        var meaning: String
    }
}

/// `<aside class="source-alert">`: a topic's cited sources that have a notice, retracted first.
struct SourceAlertView: Encodable, Sendable {
    var heading: String
    var retracted: Bool
    var sources: [Source]

    struct Source: Encodable, Sendable {
        var key: String
        var number: Int
        var title: String
        var status: String
        var label: String
        var date: String?
    }
}

/// `<nav class="audience-switch">`: the question, and a link to each variant of the page.
struct AudienceSwitchView: Encodable, Sendable {
    var prompt: String
    var options: [Option]

    struct Option: Encodable, Sendable {
        var audience: String
        var label: String
        var url: String
        /// This is the variant shown.
        var current: Bool
    }
}

/// A page's body: cmark-gfm's HTML with its placeholders, and what fills them.
struct BodyView: Sendable, Equatable, WireCodable {
    var html: String
    /// Each citation group's sources, by group number.
    var citations: [CitationView]
    /// Where each of the page's links leads (`#` for a topic that is not there); empty when
    /// the page has no topic link, and so no link placeholder.
    var links: [String]
    /// Each grade tag's grade and what it means (empty for a grade the scheme lacks).
    var grades: [GradeMarkup.Grade]

    init(html: String, citations: [CitationView], links: [String], grades: [GradeMarkup.Grade] = []) {
        self.html = html
        self.citations = citations
        self.links = links
        self.grades = grades
    }

    func write(to wire: inout WireWriter) {
        wire.write(html)
        wire.write(citations)
        wire.write(links)
        wire.write(grades.count)
        for grade in grades {
            wire.write(grade.name)
            wire.write(grade.meaning)
        }
    }

    init(from wire: inout WireReader) throws(WireError) {
        self.init(html: try wire.read(), citations: try wire.read(), links: try wire.read())
        let count: Int = try wire.read()
        for _ in 0..<max(0, count) { grades.append(.init(name: try wire.read(), meaning: try wire.read())) }
    }

    @Sendable static func html(_ body: BodyView) -> String {
        var html = CitationPlaceholder.fill(body.html) { index in
            guard index < body.citations.count else { return "" }
            let group = body.citations[index]
            return CitationMarkup.html(group.items, unknown: group.unknown, index: index)
        }
        if !body.grades.isEmpty {
            html = GradePlaceholder.fill(html) { $0 < body.grades.count ? GradeMarkup.html(body.grades[$0]) : "" }
        }
        guard !body.links.isEmpty else { return html }
        return PageParser.fillTopicLinks(html) { $0 < body.links.count ? body.links[$0] : "#" }
    }
}

/// One citation group: its sources by number, and whether it names a key the page lacks.
/// A key hashes its wire form (a page has dozens of groups).
struct CitationView: Sendable, Equatable, WireCodable {
    var items: [Item]
    var unknown: Bool

    typealias Item = CitationMarkup.Numbered

    init(items: [Item], unknown: Bool) {
        self.items = items
        self.unknown = unknown
    }

    func write(to wire: inout WireWriter) {
        wire.write(unknown)
        wire.write(items.count)
        for item in items {
            wire.write(item.number)
            wire.write(item.key)
            wire.write(item.locator != nil)
            if let locator = item.locator { wire.write(locator) }
        }
    }

    init(from wire: inout WireReader) throws(WireError) {
        unknown = try wire.read()
        let count: Int = try wire.read()
        items = []
        for _ in 0..<max(0, count) {
            let number: Int = try wire.read()
            let key: String = try wire.read()
            let hasLocator: Bool = try wire.read()
            items.append(Item(number: number, key: key, locator: hasLocator ? try wire.read() as String : nil))
        }
    }
}

/// A page's reference list: its cited sources in number order.
struct ReferenceListView: Sendable, Equatable, WireCodable {
    var sources: [CitedReferenceView]

    init(sources: [CitedReferenceView]) { self.sources = sources }
    func write(to wire: inout WireWriter) { wire.write(sources) }
    init(from wire: inout WireReader) throws(WireError) { sources = try wire.read() }
}

/// A source in a page's reference list.
struct CitedReferenceView: Sendable, Equatable, WireCodable {
    var key: String
    var reference: Reference
    /// Where the reference index lists it.
    var indexURL: String?
    /// The citation groups that cite it, for the back-links.
    var groups: [Int]
    /// The title of the source that supersedes it, and the site's root path, for the link to
    /// that source's entry in the reference index.
    var replacement: String?
    var root: String

    init(key: String, reference: Reference, indexURL: String?, groups: [Int], replacement: String?, root: String) {
        self.key = key
        self.reference = reference
        self.indexURL = indexURL
        self.groups = groups
        self.replacement = replacement
        self.root = root
    }

    func write(to wire: inout WireWriter) {
        wire.write(key)
        wire.write(reference)
        wire.write(indexURL)
        wire.write(groups)
        wire.write(replacement)
        wire.write(root)
    }

    init(from wire: inout WireReader) throws(WireError) {
        self.init(
            key: try wire.read(), reference: try wire.read(), indexURL: try wire.read(), groups: try wire.read(),
            replacement: try wire.read(), root: try wire.read())
    }
}

/// `badge.mustache` and a topic page's review details: status, the Submitted → Under review →
/// Approved steps, dates.
struct BadgeView: TemplateView {
    var status: String
    var label: String
    var pending: Bool
    var pendingReason: String
    var steps: [Step]
    var reviewers: String
    var hasReviewers: Bool
    var reviewed: String?
    var updated: String?
    var nextDue: String?
    /// Who answers for the review.
    var owner: String?
    /// "Literature review current through".
    var literatureThrough: String?

    struct Step: Encodable, Sendable {
        var label: String
        var state: String
        var current: Bool
    }
}

/// A page in a list: title, link, summary and a compact badge (status only).
struct ListingView: Encodable, Sendable {
    var title: String
    var url: String
    var badge: CompactBadge
    var summary: String?

    struct CompactBadge: Encodable, Sendable {
        var status: String
        var label: String
    }
}

/// `home.mustache`: the published pages by tag.
struct HomeView: TemplateView {
    var siteTitle: String
    var groups: [TagGroup]
    var pageCount: Int
    var approvedCount: Int
    var pendingCount: Int
    var root: String

    struct TagGroup: Encodable, Sendable {
        var tag: String
        var anchor: String
        var pages: [ListingView]
    }
}

/// `references.mustache`: the site-wide reference index. Its entries are HTML the engine
/// writes (`ReferenceMarkup.indexEntry`), placed as `{{{entries}}}` one by one as the page is
/// written (with 66,000 sources they are 40 MB; see `TemplateSet.page(bulk:)`).
struct ReferencesView: TemplateView {
    var count: Int
    var root: String
    var entries: Pieces<IndexEntryView>
}

/// One source of the reference index and the published topics that cite it. A key hashes
/// its wire form (the index has tens of thousands).
struct IndexEntryView: Sendable, Equatable, WireCodable {
    var anchor: String
    /// An anchor for each other key the source goes by.
    var aliasAnchors: [String]
    var reference: Reference
    var citedBy: [TopicLink]
    /// The title of the source that supersedes it (see `CitedReferenceView`).
    var replacement: String?
    var root: String

    struct TopicLink: Sendable, Equatable {
        var title: String
        var url: String
    }

    init(
        anchor: String, aliasAnchors: [String], reference: Reference, citedBy: [TopicLink], replacement: String?,
        root: String
    ) {
        self.anchor = anchor
        self.aliasAnchors = aliasAnchors
        self.reference = reference
        self.citedBy = citedBy
        self.replacement = replacement
        self.root = root
    }

    func write(to wire: inout WireWriter) {
        wire.write(anchor)
        wire.write(aliasAnchors)
        wire.write(reference)
        wire.write(citedBy.count)
        for page in citedBy {
            wire.write(page.title)
            wire.write(page.url)
        }
        wire.write(replacement)
        wire.write(root)
    }

    init(from wire: inout WireReader) throws(WireError) {
        anchor = try wire.read()
        aliasAnchors = try wire.read()
        reference = try wire.read()
        let count: Int = try wire.read()
        citedBy = []
        for _ in 0..<max(0, count) { citedBy.append(TopicLink(title: try wire.read(), url: try wire.read())) }
        replacement = try wire.read()
        root = try wire.read()
    }
}

/// `review.mustache`: every page and what stands between it and approval.
struct DashboardView: TemplateView {
    var rows: [Row]
    var counts: [StatusCount]
    var reviewers: [Reviewer]
    /// The pages that need a reviewer's attention, by why: overdue, due soon, changed since
    /// approval, citing a retracted source; only the groups that have pages.
    var attention: [AttentionGroup]
    var owners: [Reviewer]
    var today: String
    var root: String

    struct Row: Encodable, Sendable {
        var title: String
        var url: String
        var badge: ListingView.CompactBadge
        var summary: String?
        var file: String
        var review: BadgeView
        /// The owner, for the owner filter ("" for none).
        var ownerKey: String
        var published: Bool
        var status: String
        /// One reviewer per line, for the reviewer filter.
        var reviewerKeys: String
        var blockers: [Blocker]
        var hasBlockers: Bool
        var blockerSummary: String
    }

    struct Blocker: Encodable, Sendable {
        var location: String
        var severity: String
        var rule: String
        var message: String
    }

    struct AttentionGroup: Encodable, Sendable {
        var group: String
        var label: String
        var count: Int
        var pages: [AttentionPage]
    }

    struct AttentionPage: Encodable, Sendable {
        var title: String
        var url: String
        var owner: String?
        var nextDue: String?
    }

    struct StatusCount: Encodable, Sendable {
        var status: String
        var label: String
        var count: Int
    }

    struct Reviewer: Encodable, Sendable {
        var name: String
    }
}

/// What `references.json` (CSL-JSON) is written from: each reference index entry's id and source.
struct ReferenceExportView: TemplateView {
    var entries: Wired<Entries>

    struct Entries: Sendable, Equatable, WireCodable {
        var all: [Entry]

        init(_ all: [Entry]) { self.all = all }
        func write(to wire: inout WireWriter) { wire.write(all) }
        init(from wire: inout WireReader) throws(WireError) { all = try wire.read() }
    }

    struct Entry: Sendable, Equatable, WireCodable {
        var id: String
        var reference: Reference

        init(id: String, reference: Reference) {
            self.id = id
            self.reference = reference
        }

        func write(to wire: inout WireWriter) {
            wire.write(id)
            wire.write(reference)
        }

        init(from wire: inout WireReader) throws(WireError) {
            self.init(id: try wire.read(), reference: try wire.read())
        }
    }
}

// Engine data: values the engine turns into HTML itself. A key hashes their wire form, the one
// binary serialisation (`WireCodable`, which worker replies and the caches use too), whole:
// hashing them property by property through `Encodable` was a third of a build after an edit.
// `ViewKeyTests` holds each to read back from its wire form as the value it was.

/// Engine data a view holds (a page's body, its reference list): in a key, its wire form; in a
/// context, its HTML. `html` is code, a function of the value alone (a static function
/// capturing nothing), so the value decides the HTML.
struct Markup<Value: WireCodable & Sendable>: Encodable, Sendable {
    var value: Value
    var html: @Sendable (Value) -> String

    func encode(to encoder: any Encoder) throws {
        if let sink = ViewPurpose.keySink(encoder) {
            sink.wire(value)
        } else {
            var single = encoder.singleValueContainer()
            try single.encode(html(value))
        }
    }
}

/// Engine data a page places as one raw value, each item made into HTML as the page is
/// written: in a key, each item's wire form; in a context, nothing (`TemplateSet.page(bulk:)`
/// places them).
struct Pieces<Item: WireCodable & Sendable>: Encodable, Sendable {
    var items: [Item]
    var html: @Sendable (Item) -> String

    var count: Int { items.count }
    func piece(_ index: Int) -> String { html(items[index]) }

    func encode(to encoder: any Encoder) throws {
        if let sink = ViewPurpose.keySink(encoder) {
            sink.beginList()
            for item in items { sink.wire(item) }
            sink.end()
        } else {
            var value = encoder.singleValueContainer()
            try value.encode("")
        }
    }
}

/// Engine data a file is made from by code, not by a template (`references.json`'s entries):
/// in a key, its wire form; never in a context.
struct Wired<Value: WireCodable & Sendable>: Encodable, Sendable {
    var value: Value

    func encode(to encoder: any Encoder) throws {
        guard let sink = ViewPurpose.keySink(encoder) else { throw ViewEncodingFailure() }
        sink.wire(value)
    }
}
