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
}

/// `topic.mustache`.
struct TopicView: TemplateView {
    var title: String
    var question: String?
    var summary: String?
    var audience: String?
    var badge: BadgeView
    /// Set only in the preview, for a page `build` leaves out.
    var unpublished: String?
    var tags: [TagLink]
    var hasTags: Bool
    var disclaimer: String?
    /// The body HTML, citation markers and topic links filled in.
    var body: Markup<BodyView>
    /// `<ol class="references">`.
    var references: Markup<[CitedReferenceView]>
    var hasReferences: Bool
    /// The page's `##` headings, for themes that place a table of contents.
    var toc: [TocEntry]
    var root: String

    struct TagLink: Encodable, Sendable {
        var name: String
        var url: String
    }

    struct TocEntry: Encodable, Sendable {
        var text: String
        var anchor: String
    }
}

/// A page's body: cmark-gfm's HTML with its placeholders, and what fills them.
struct BodyView: Encodable, Sendable {
    var html: String
    /// Each citation group's sources, by group number.
    var citations: [CitationView]
    /// Where each of the page's links leads (`#` for a topic that is not there); empty when
    /// the page has no topic link, and so no link placeholder.
    var links: [String]

    @Sendable static func html(_ body: BodyView) -> String {
        let html = CitationPlaceholder.fill(body.html) { index in
            guard index < body.citations.count else { return "" }
            let group = body.citations[index]
            return CitationMarkup.html(
                group.items.map { ($0.number, $0.key, $0.locator) }, unknown: group.unknown, index: index)
        }
        guard !body.links.isEmpty else { return html }
        return PageParser.fillTopicLinks(html) { $0 < body.links.count ? body.links[$0] : "#" }
    }
}

/// One citation group: its sources by number, and whether it names a key the page lacks.
struct CitationView: Encodable, Sendable {
    var items: [Item]
    var unknown: Bool

    struct Item: Encodable, Sendable {
        var number: Int
        var key: String
        var locator: String?
    }
}

/// A source in a page's reference list.
struct CitedReferenceView: Encodable, Sendable {
    var key: String
    var reference: Reference
    /// Where the reference index lists it.
    var indexURL: String?
    /// The citation groups that cite it, for the back-links.
    var groups: [Int]
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

/// One source of the reference index and the published topics that cite it.
struct IndexEntryView: Encodable, Sendable {
    var anchor: String
    /// An anchor for each other key the source goes by.
    var aliasAnchors: [String]
    var reference: Reference
    var citedBy: [TopicLink]

    struct TopicLink: Encodable, Sendable {
        var title: String
        var url: String
    }
}

/// `review.mustache`: every page and what stands between it and approval.
struct DashboardView: TemplateView {
    var rows: [Row]
    var counts: [StatusCount]
    var reviewers: [Reviewer]
    var today: String
    var root: String

    struct Row: Encodable, Sendable {
        var title: String
        var url: String
        var badge: ListingView.CompactBadge
        var summary: String?
        var file: String
        var review: BadgeView
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
    var entries: [Entry]

    struct Entry: Encodable, Sendable {
        var id: String
        var reference: Reference
    }
}

/// A value the engine turns into HTML itself (a page's body, its reference list): in a key,
/// the value; in a context, its HTML. `html` is code, a function of the value alone (a static
/// function capturing nothing), so the value decides the HTML.
struct Markup<Value: Encodable & Sendable>: Encodable, Sendable {
    var value: Value
    var html: @Sendable (Value) -> String

    func encode(to encoder: any Encoder) throws {
        if encoder.userInfo[ViewPurpose.userInfoKey] as? ViewPurpose == .key {
            try value.encode(to: encoder)
        } else {
            var single = encoder.singleValueContainer()
            try single.encode(html(value))
        }
    }
}

/// Items a page places as one raw value, each made into HTML as the page is written: in a
/// key they are the items; in a context, nothing (`TemplateSet.page(bulk:)` places them).
struct Pieces<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
    var html: @Sendable (Item) -> String

    var count: Int { items.count }
    func piece(_ index: Int) -> String { html(items[index]) }

    func encode(to encoder: any Encoder) throws {
        if encoder.userInfo[ViewPurpose.userInfoKey] as? ViewPurpose == .key {
            var list = encoder.unkeyedContainer()
            for item in items { try list.encode(item) }
        } else {
            var value = encoder.singleValueContainer()
            try value.encode("")
        }
    }
}
