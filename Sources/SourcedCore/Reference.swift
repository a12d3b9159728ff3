/// A source a page may cite: from its own `references` or from the shared bibliography.
public struct Reference: Sendable, Codable, Equatable, Hashable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case guideline, research, review, book, web, other
    }

    public var id: String
    public var type: Kind
    public var title: String
    public var authors: [String]
    public var container: String?
    public var year: String?
    public var volume: String?
    public var pages: String?
    public var doi: String?
    public var pmid: String?
    public var url: String?

    public init(
        id: String, type: Kind = .other, title: String, authors: [String] = [], container: String? = nil,
        year: String? = nil, volume: String? = nil, pages: String? = nil, doi: String? = nil,
        pmid: String? = nil, url: String? = nil
    ) {
        self.id = id
        self.type = type
        self.title = title
        self.authors = authors
        self.container = container
        self.year = year
        self.volume = volume
        self.pages = pages
        self.doi = doi
        self.pmid = pmid
        self.url = url
    }

    /// Identity across keys: the same DOI (case-insensitive) or PMID is the same source.
    public var identity: [String] {
        var ids: [String] = []
        if let doi { ids.append("doi:" + doi.lowercased()) }
        if let pmid { ids.append("pmid:" + pmid) }
        return ids
    }
}

/// A reference together with where it was written.
public struct LocatedReference: Sendable, Codable, Equatable {
    public var reference: Reference
    public var file: String
    public var position: TextPosition

    public init(reference: Reference, file: String, position: TextPosition) {
        self.reference = reference
        self.file = file
        self.position = position
    }
}
