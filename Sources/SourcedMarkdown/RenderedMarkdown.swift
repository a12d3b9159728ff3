import SourcedCore

/// What one walk of a page's Markdown found, plus its HTML with placeholders.
///
/// Every position is 1-based in the original file (the caller's line offset applied) and
/// columns count Unicode code points. No C pointer survives into these values.
package struct RenderedMarkdown: Sendable, Equatable {
    /// Body HTML. Each citation group stands as a placeholder (see `CitationPlaceholder`).
    package var html: String
    package var headings: [Heading]
    package var links: [Link]
    package var citationGroups: [CitationGroup]
    package var claims: [Claim]
    /// The page's `::: audience` blocks, in order.
    package var audienceBlocks: [AudienceBlock] = []
    /// The HTML of each audience after the first the page lists, in that order; empty when the
    /// page has no audience block (every variant is then `html`).
    package var variantHTML: [String] = []
    package var audienceProblems: [AudienceProblem] = []
    /// The evidence grade tags, `[grade: 1A]`, in order; each stands in `html` as a placeholder
    /// (see `GradePlaceholder`).
    package var grades: [GradeTag] = []

    package init(
        html: String, headings: [Heading], links: [Link], citationGroups: [CitationGroup], claims: [Claim]
    ) {
        self.html = html
        self.headings = headings
        self.links = links
        self.citationGroups = citationGroups
        self.claims = claims
    }

    /// Whether something written at file line `line` is in the variant for `audience`: it is
    /// outside every block or inside one of that audience's.
    package func isShown(line: Int, to audience: String) -> Bool {
        guard !audienceBlocks.isEmpty else { return true }
        let owner = AudienceFences.audience(ofLine: line, in: audienceBlocks)
        return owner == nil || owner == audience
    }
}

package struct Heading: Sendable, Equatable {
    package var level: Int
    package var text: String
    /// GitHub-style anchor, unique within the page.
    package var anchor: String
    package var position: TextPosition
}

package struct Link: Sendable, Equatable {
    package var destination: String
    package var isImage: Bool
    /// Position of the destination in the source (of the link when it cannot be found).
    package var position: TextPosition

    package init(destination: String, isImage: Bool, position: TextPosition) {
        self.destination = destination
        self.isImage = isImage
        self.position = position
    }
}

/// One bracketed citation group, `[@a; @b, p. 3]`.
package struct CitationGroup: Sendable, Equatable {
    package var items: [CitationItem]
    package var position: TextPosition

    package init(items: [CitationItem], position: TextPosition) {
        self.items = items
        self.position = position
    }
}

package struct CitationItem: Sendable, Equatable {
    package var key: String
    package var locator: String?
    /// Position of the `@` that starts the key.
    package var position: TextPosition

    package init(key: String, locator: String?, position: TextPosition) {
        self.key = key
        self.locator = locator
        self.position = position
    }
}

/// An evidence grade tag, `[grade: 1A]`, at the end of a claim.
package struct GradeTag: Sendable, Equatable {
    package var grade: String
    /// Position of the `[`.
    package var position: TextPosition
    /// The index of the claim it grades, in the page's claims as found (before any are dropped).
    package var claim: Int?

    package init(grade: String, position: TextPosition, claim: Int?) {
        self.grade = grade
        self.position = position
        self.claim = claim
    }
}

/// A block that states something and so must cite a source (SPEC §3).
package struct Claim: Sendable, Equatable {
    package enum Kind: String, Sendable { case paragraph, listItem, tableRow }
    package var kind: Kind
    package var text: String
    package var isCited: Bool
    package var position: TextPosition
    /// Texts of the headings the block sits under, outermost first.
    package var sections: [String]
    /// How many grade tags it holds.
    package var gradeCount = 0

    /// A lead-in to a list ends with a colon and needs no citation.
    package var isLeadIn: Bool {
        text.trimmingTrailingWhitespace.hasSuffix(":")
    }
}

extension String {
    var trimmingTrailingWhitespace: Substring {
        var s = self[...]
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
