import SourcedCore

/// What one walk of a page's Markdown found, plus its HTML with placeholders.
///
/// Every position is 1-based in the original file (the caller's line offset applied) and
/// columns count Unicode code points. No C pointer survives into these values.
public struct RenderedMarkdown: Sendable, Equatable {
    /// Body HTML. Each citation group stands as a placeholder (see `CitationPlaceholder`).
    public var html: String
    public var headings: [Heading]
    public var links: [Link]
    public var citationGroups: [CitationGroup]
    public var claims: [Claim]

    public init(
        html: String, headings: [Heading], links: [Link], citationGroups: [CitationGroup], claims: [Claim]
    ) {
        self.html = html
        self.headings = headings
        self.links = links
        self.citationGroups = citationGroups
        self.claims = claims
    }
}

public struct Heading: Sendable, Equatable {
    public var level: Int
    public var text: String
    /// GitHub-style anchor, unique within the page.
    public var anchor: String
    public var position: TextPosition
}

public struct Link: Sendable, Equatable {
    public var destination: String
    public var isImage: Bool
    /// Position of the destination in the source (of the link when it cannot be found).
    public var position: TextPosition

    public init(destination: String, isImage: Bool, position: TextPosition) {
        self.destination = destination
        self.isImage = isImage
        self.position = position
    }
}

/// One bracketed citation group, `[@a; @b, p. 3]`.
public struct CitationGroup: Sendable, Equatable {
    public var items: [CitationItem]
    public var position: TextPosition

    public init(items: [CitationItem], position: TextPosition) {
        self.items = items
        self.position = position
    }
}

public struct CitationItem: Sendable, Equatable {
    public var key: String
    public var locator: String?
    /// Position of the `@` that starts the key.
    public var position: TextPosition

    public init(key: String, locator: String?, position: TextPosition) {
        self.key = key
        self.locator = locator
        self.position = position
    }
}

/// A block that states something and so must cite a source (SPEC §3).
public struct Claim: Sendable, Equatable {
    public enum Kind: String, Sendable { case paragraph, listItem, tableRow }
    public var kind: Kind
    public var text: String
    public var isCited: Bool
    public var position: TextPosition
    /// Texts of the headings the block sits under, outermost first.
    public var sections: [String]

    /// A lead-in to a list ends with a colon and needs no citation.
    public var isLeadIn: Bool {
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
