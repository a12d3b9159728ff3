import SourcedCore
import SourcedMarkdown

/// One audience's version of a page: its own URL, its HTML (the text for every audience and
/// its own `::: audience` blocks) and its citations, numbered afresh in its own order.
struct PageVariant: Sendable {
    /// Nil for a page that lists no audiences.
    var audience: String?
    /// `topics/<slug>/` for the first audience, `topics/<slug>/<audience>/` for the others.
    var path: String
    /// Body HTML with placeholders; a citation placeholder holds the group's index in the
    /// whole page, so the anchors (`cite-N`) of every variant are the page's.
    var html: String
    var citations: PageCitations
    /// The headings it shows.
    var headings: [Heading]

    /// The variants of a page at `path` whose citations over all its text are `citations`.
    static func variants(
        of metadata: TopicMetadata, _ markdown: RenderedMarkdown, path: String, citations: PageCitations,
        bibliography: [String: LocatedReference]
    ) -> [PageVariant] {
        guard !metadata.audiences.isEmpty else {
            return [
                PageVariant(
                    audience: nil, path: path, html: markdown.html, citations: citations, headings: markdown.headings)
            ]
        }
        return metadata.audiences.enumerated().map { i, audience in
            let html = i == 0 || markdown.variantHTML.count < i ? markdown.html : markdown.variantHTML[i - 1]
            guard !markdown.audienceBlocks.isEmpty else {
                return PageVariant(
                    audience: audience, path: i == 0 ? path : path + audience + "/", html: html, citations: citations,
                    headings: markdown.headings)
            }
            let groups = markdown.citationGroups
            let own = PageCitations(
                groups: groups, pageReferences: metadata.references, bibliography: bibliography,
                including: { markdown.isShown(line: groups[$0].position.line, to: audience) })
            return PageVariant(
                audience: audience, path: i == 0 ? path : path + audience + "/", html: html, citations: own,
                headings: markdown.headings.filter { markdown.isShown(line: $0.position.line, to: audience) })
        }
    }
}

extension SitePage {
    /// The title of variant `variant` in a window, a tab or a feed: the page's, with its
    /// audience's label after the first variant's ("Hyponatremia (Patient or caregiver)").
    func title(variant: Int, settings: SiteSettings) -> String {
        guard variant > 0, let audience = variants[variant].audience else { return metadata.title }
        return "\(metadata.title) (\(settings.label(ofAudience: audience)))"
    }
}
